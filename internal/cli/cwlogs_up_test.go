package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func logsClient(addr string) *cwl.Client {
	return cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
}

// TestUpRoutesAWSLogsToCloudWatchLogs runs a simulated task whose container logs with
// awslogs, reads its lines with the Go SDK's CloudWatch Logs client from the same
// listener as ECS, and reads them again after a restart.
func TestUpRoutesAWSLogsToCloudWatchLogs(t *testing.T) {
	dir := t.TempDir()
	o := upOptions{stateDir: dir, runtime: "sim", region: "us-east-1"}
	dc := newDrivenClock()
	o.drive = dc.driver()
	addr, out, stop := startUp(t, o)
	if !strings.Contains(out.String(), "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://"+addr) {
		t.Errorf("up does not print the Logs endpoint:\n%s", out)
	}
	if code, body := call(t, addr, "RegisterTaskDefinition", `{"family":"web","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
		"cpu":"256","memory":"512","executionRoleArn":"arn:aws:iam::000000000000:role/exec",
		"containerDefinitions":[{"name":"app","image":"busybox","essential":true,
		"dockerLabels":{"ecsmini.sim/output":"hello from app\nERROR boom"},
		"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1",
		"awslogs-stream-prefix":"ecs","awslogs-create-group":"true"}}}]}`); code != 200 {
		t.Fatalf("RegisterTaskDefinition: %d %v", code, body)
	}
	code, body := call(t, addr, "RunTask", `{"taskDefinition":"web","launchType":"FARGATE",
		"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`)
	if code != 200 {
		t.Fatalf("RunTask: %d %v", code, body)
	}
	arn := body["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
	stream := "ecs/app/" + arn[strings.LastIndex(arn, "/")+1:]

	ctx := context.Background()
	read := func(addr string) []string {
		out, err := logsClient(addr).GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"),
			LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
		if err != nil {
			return nil
		}
		var msgs []string
		for _, e := range out.Events {
			msgs = append(msgs, aws.ToString(e.Message))
		}
		return msgs
	}
	want := []string{"hello from app", "ERROR boom"}
	taskState(t, dc, addr, "default", arn, "RUNNING")
	dc.awaitLogs(t, fmt.Sprintf("stream %s to hold %q", stream, want), func() bool { return slices.Equal(read(addr), want) })
	f, err := logsClient(addr).FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/ecs/web"), FilterPattern: aws.String("ERROR")})
	if err != nil || len(f.Events) != 1 || aws.ToString(f.Events[0].LogStreamName) != stream {
		t.Fatalf("FilterLogEvents: %v %+v", err, f)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	o.drive = nil // the second run only serves what the first kept
	addr2, _, _ := startUp(t, o)
	if got := read(addr2); !slices.Equal(got, want) {
		t.Fatalf("after a restart the stream has %q", got)
	}
}
