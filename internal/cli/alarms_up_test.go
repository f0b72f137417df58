package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/ecsmini/ecsmini/emulator/hooks"
)

// TestUpAlarmFiresStepScaling: `up` serves CloudWatch alarms on the ECS listener (the
// Go SDK's CBOR protocol) and evaluates them in its loop. A simulated CPU load puts a
// CPUUtilization alarm in ALARM and the step scaling policy in its actions scales the
// service out; the alarm, the hook mappings of --hook and the scaling survive a restart.
func TestUpAlarmFiresStepScaling(t *testing.T) {
	dir := t.TempDir()
	hook := "arn:aws:lambda:us-east-1:000000000000:function:smoke"
	o := upOptions{stateDir: dir, runtime: "sim", region: "us-east-1", hooks: []string{hook + "=cmd:true"}}
	dc := newDrivenClock()
	o.drive = dc.driver()
	addr, out, stop := startUp(t, o)
	if !strings.Contains(out.String(), "export AWS_ENDPOINT_URL_CLOUDWATCH=http://"+addr) {
		t.Errorf("up does not print the CloudWatch endpoint:\n%s", out)
	}
	if code, body := call(t, addr, "RegisterTaskDefinition", `{"family":"burner","containerDefinitions":[{"name":"app","image":"busybox","cpu":256,"memory":512,"dockerLabels":{"ecsmini.sim/burn-cpu":"30m"}}]}`); code != 200 {
		t.Fatalf("RegisterTaskDefinition: %d %v", code, body)
	}
	if code, body := call(t, addr, "CreateService", `{"serviceName":"web","taskDefinition":"burner","desiredCount":1}`); code != 200 {
		t.Fatalf("CreateService: %d %v", code, body)
	}
	ctx := context.Background()
	scaling := appScalingClient(addr)
	ref := func() (*string, aastypes.ServiceNamespace, aastypes.ScalableDimension) {
		return aws.String("service/default/web"), aastypes.ServiceNamespaceEcs, aastypes.ScalableDimensionECSServiceDesiredCount
	}
	id, ns, dim := ref()
	if _, err := scaling.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: id,
		ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	pol, err := scaling.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu-step"), ServiceNamespace: ns,
		ResourceId: id, ScalableDimension: dim, PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{AdjustmentType: aastypes.AdjustmentTypeChangeInCapacity,
			Cooldown: aws.Int32(600), StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(2)}}}})
	if err != nil {
		t.Fatal(err)
	}
	alarms := cw.New(cw.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	if _, err := alarms.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("web-cpu-high"), Namespace: aws.String("AWS/ECS"),
		MetricName: aws.String("CPUUtilization"), Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(50), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		Dimensions:   []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("default")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}},
		AlarmActions: []string{aws.ToString(pol.PolicyARN)}}); err != nil {
		t.Fatal(err)
	}
	desired := func() float64 {
		_, body := call(t, addr, "DescribeServices", `{"services":["web"]}`)
		return body["services"].([]any)[0].(map[string]any)["desiredCount"].(float64)
	}
	state := func() cwtypes.StateValue {
		out, err := alarms.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{AlarmNames: []string{"web-cpu-high"}})
		if err != nil || len(out.MetricAlarms) != 1 {
			t.Fatalf("DescribeAlarms: %+v %v", out, err)
		}
		return out.MetricAlarms[0].StateValue
	}
	dc.eventually(t, 4*time.Minute, "the alarm goes to ALARM", func() bool { return state() == cwtypes.StateValueAlarm })
	dc.eventually(t, time.Minute, "the step policy scales the service out", func() bool { return desired() == 3 })
	acts, err := scaling.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: ns, ResourceId: id})
	if err != nil || len(acts.ScalingActivities) == 0 ||
		aws.ToString(acts.ScalingActivities[0].Cause) != "monitor alarm web-cpu-high in state ALARM triggered policy cpu-step" {
		t.Fatalf("activities: %+v %v", acts, err)
	}
	dc.advance(t, 5*time.Minute)
	if got := desired(); got != 3 {
		t.Errorf("within the policy's cooldown desired = %v, want 3", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	o.hooks = nil
	dc = newDrivenClock()
	o.drive = dc.driver()
	addr, _, _ = startUp(t, o)
	alarms = cw.New(cw.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	if got := state(); got != cwtypes.StateValueAlarm {
		t.Errorf("after a restart the alarm is %s, want ALARM", got)
	}
	hs, err := newClient("http://" + addr).Hooks(ctx)
	if err != nil || len(hs.Hooks) != 1 || hs.Hooks[0] != (hooks.Target{ARN: hook, Command: "true"}) {
		t.Errorf("after a restart the hooks are %+v (%v), want the --hook mapping", hs, err)
	}
}
