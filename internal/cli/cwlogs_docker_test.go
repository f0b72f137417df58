//go:build docker

package cli

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// withAWSLogs gives a container definition the awslogs driver.
func withAWSLogs(cd types.ContainerDefinition, group string, create bool) types.ContainerDefinition {
	opts := map[string]string{"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}
	if create {
		opts["awslogs-create-group"] = "true"
	}
	cd.LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: opts}
	return cd
}

// TestAWSLogsOnDocker runs real containers whose stdout and stderr go to CloudWatch
// Logs through the awslogs driver, read back with the Go SDK's client; a task whose
// group is missing stops as Fargate stops it. Nothing is left in the engine.
func TestAWSLogsOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startDockerUp(t, image, t.TempDir(), "awslogs-"+randomHex(t))
	logs := logsClient(d.addr)
	group := "/ecs/awslogs-" + randomHex(t)

	// app prints on stdout and keeps running; err fails on a bad flag, printing on stderr.
	def := fargate("awslogs",
		withAWSLogs(d.workloadDef("app", "--log", "hello from docker", "--log", "second line"), group, true),
		withAWSLogs(nonEssential(d.workloadDef("err", "--exit-code", "999")), group, true))
	def.ExecutionRoleArn = aws.String("arn:aws:iam::000000000000:role/ecsTaskExecutionRole")
	tk := d.run(t, def, 1)[0]
	id := aws.ToString(tk.TaskArn)[strings.LastIndex(aws.ToString(tk.TaskArn), "/")+1:]
	read := func(stream string) []string {
		out, err := logs.GetLogEvents(tctx(t, 5*time.Second), &cwl.GetLogEventsInput{LogGroupName: aws.String(group),
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
	deadline := time.Now().Add(60 * time.Second)
	for {
		app, errLines := read("ecs/app/"+id), read("ecs/err/"+id)
		if slices.Contains(app, "hello from docker") && slices.Contains(app, "second line") &&
			slices.ContainsFunc(errLines, func(l string) bool { return strings.Contains(l, "999") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CloudWatch Logs has app %q, err %q", app, errLines)
		}
		time.Sleep(200 * time.Millisecond)
	}

	missing := fargate("awslogs-missing", withAWSLogs(d.workloadDef("app"), group+"-missing", false))
	missing.ExecutionRoleArn = def.ExecutionRoleArn
	stopped := d.waitStopped(t, 30*time.Second, d.run(t, missing, 1)...)[0]
	if stopped.StopCode != types.TaskStopCodeTaskFailedToStart ||
		!strings.HasPrefix(aws.ToString(stopped.StoppedReason), "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.") {
		t.Fatalf("stopped %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
}
