package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// up hands its hook mappings and its CloudWatch alarms to the deployment strategies: a
// hook mapped to a failing command rolls a BLUE_GREEN deployment back, and an alarm set
// through CloudWatch during another one's bake rolls that one back. Without
// the wiring every hook succeeds and no alarm is seen.
func TestUpWiresHooksAndAlarmsIntoDeployments(t *testing.T) {
	gate := "arn:aws:lambda:us-east-1:000000000000:function:gate"
	o := upOptions{stateDir: t.TempDir(), runtime: "sim", region: "us-east-1", hooks: []string{gate + "=cmd:false"}}
	dc := newDrivenClock()
	o.drive = dc.driver()
	addr, _, _ := startUp(t, o)
	for _, body := range []string{
		`{"family":"web","containerDefinitions":[{"name":"app","image":"busybox","memory":128,"environment":[{"name":"V","value":"1"}]}]}`,
		`{"family":"web","containerDefinitions":[{"name":"app","image":"busybox","memory":128,"environment":[{"name":"V","value":"2"}]}]}`,
	} {
		if code, out := call(t, addr, "RegisterTaskDefinition", body); code != 200 {
			t.Fatalf("RegisterTaskDefinition: %d %v", code, out)
		}
	}
	services := map[string]string{
		"bg": `{"strategy":"BLUE_GREEN","bakeTimeInMinutes":1,"lifecycleHooks":[{"hookTargetArn":"` + gate +
			`","roleArn":"arn:aws:iam::000000000000:role/hooks","lifecycleStages":["POST_SCALE_UP"]}]}`,
		"alarmed": `{"strategy":"BLUE_GREEN","bakeTimeInMinutes":30,"alarms":{"enable":true,"rollback":true,"alarmNames":["web-5xx"]}}`,
	}
	for name, dc := range services {
		if code, out := call(t, addr, "CreateService", `{"serviceName":"`+name+`","taskDefinition":"web:1","desiredCount":1,"deploymentConfiguration":`+dc+`}`); code != 200 {
			t.Fatalf("CreateService %s: %d %v", name, code, out)
		}
	}
	dc.advance(t, time.Minute)
	for name := range services {
		if code, out := call(t, addr, "UpdateService", `{"service":"`+name+`","taskDefinition":"web:2"}`); code != 200 {
			t.Fatalf("UpdateService %s: %d %v", name, code, out)
		}
	}
	alarms := cw.New(cw.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	if _, err := alarms.PutMetricAlarm(context.Background(), &cw.PutMetricAlarmInput{AlarmName: aws.String("web-5xx"),
		Namespace: aws.String("App"), MetricName: aws.String("5xx"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}); err != nil {
		t.Fatal(err)
	}
	if _, err := alarms.SetAlarmState(context.Background(), &cw.SetAlarmStateInput{AlarmName: aws.String("web-5xx"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("rehearsal")}); err != nil {
		t.Fatal(err)
	}
	status := func(name string) string {
		_, out := call(t, addr, "DescribeServices", `{"services":["`+name+`"]}`)
		svc := out["services"].([]any)[0].(map[string]any)
		var b strings.Builder
		for _, d := range svc["deployments"].([]any) {
			m := d.(map[string]any)
			b.WriteString(m["status"].(string) + ":" + m["rolloutState"].(string) + ":" + m["taskDefinition"].(string) + " ")
		}
		return b.String()
	}
	for name := range services {
		dc.eventually(t, 30*time.Minute, name+" rolls back to web:1", func() bool {
			s := status(name)
			return strings.Contains(s, "PRIMARY:COMPLETED:") && strings.Contains(s, "/web:1 ") && !strings.Contains(s, "/web:2 ")
		})
	}
}
