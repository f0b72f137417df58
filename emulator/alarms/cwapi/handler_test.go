package cwapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/alarms/cwapi"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/clock"
)

type fixedLoad float64

func (l fixedLoad) Sample(context.Context, string, string, string) (appscaling.Sample, error) {
	return appscaling.Sample{CPU: float64(l), Memory: 20, Tasks: 1}, nil
}

var start = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

// TestGoSDK drives the alarm operations with the Go SDK v2's cloudwatch client
// (Smithy RPC v2 CBOR) against a server on a fake clock.
func TestGoSDK(t *testing.T) {
	clk := clock.NewFake(start)
	svc, err := alarms.Open(alarms.Config{Clock: clk, Region: "us-east-1", Account: "000000000000", Metrics: fixedLoad(90)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(cwapi.New(svc, nil))
	defer srv.Close()
	c := cw.New(cw.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	ctx := context.Background()

	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("web-cpu-high"), Namespace: aws.String("AWS/ECS"),
		MetricName: aws.String("CPUUtilization"), Statistic: types.StatisticAverage, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(2), DatapointsToAlarm: aws.Int32(2), Threshold: aws.Float64(75),
		ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
		Dimensions:         []types.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("demo")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}},
		AlarmActions:       []string{"arn:aws:sns:eu-west-1:000000000000:ops"}, AlarmDescription: aws.String("web is busy")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{AlarmNames: []string{"web-cpu-high"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms = %+v", out)
	}
	a := out.MetricAlarms[0]
	if aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:eu-west-1:000000000000:alarm:web-cpu-high" || a.StateValue != types.StateValueInsufficientData ||
		aws.ToFloat64(a.Threshold) != 75 || aws.ToInt32(a.Period) != 60 || aws.ToInt32(a.DatapointsToAlarm) != 2 ||
		len(a.Dimensions) != 2 || !aws.ToBool(a.ActionsEnabled) || !a.StateUpdatedTimestamp.Equal(start) {
		t.Errorf("alarm = %+v", a)
	}

	// Two minutes at 90% CPU put it in ALARM.
	for range 3 {
		if _, err := svc.Reconcile(clk.Now()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	if _, err := svc.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
	out, err = c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{StateValue: types.StateValueAlarm})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms(ALARM) = %+v, %v", out, err)
	}
	if r := aws.ToString(out.MetricAlarms[0].StateReason); r == "" {
		t.Error("no StateReason")
	}

	if _, err := c.SetAlarmState(ctx, &cw.SetAlarmStateInput{AlarmName: aws.String("web-cpu-high"), StateValue: types.StateValueOk, StateReason: aws.String("rehearsal")}); err != nil {
		t.Fatal(err)
	}
	// The alarm lives in the client's region, eu-west-1; AlarmState finds it there too.
	if got := svc.AlarmState("web-cpu-high"); got != "OK" {
		t.Errorf("state after SetAlarmState = %s, want OK", got)
	}
	hist, err := c.DescribeAlarmHistory(ctx, &cw.DescribeAlarmHistoryInput{AlarmName: aws.String("web-cpu-high"), HistoryItemType: types.HistoryItemTypeStateUpdate})
	if err != nil || len(hist.AlarmHistoryItems) != 2 || aws.ToString(hist.AlarmHistoryItems[0].HistorySummary) != "Alarm updated from ALARM to OK" {
		t.Fatalf("history = %+v, %v", hist, err)
	}

	var nf *types.ResourceNotFound
	_, err = c.SetAlarmState(ctx, &cw.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueAlarm, StateReason: aws.String("x")})
	if !errors.As(err, &nf) {
		t.Errorf("SetAlarmState of a missing alarm: %v, want ResourceNotFound", err)
	}
	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("bad"), EvaluationPeriods: aws.Int32(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, Namespace: aws.String("AWS/ECS"), MetricName: aws.String("CPUUtilization"),
		Period: aws.Int32(45), Statistic: types.StatisticAverage, Threshold: aws.Float64(1)})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("Period 45: %v, want InvalidParameterValue", err)
	}
	if _, err := c.DeleteAlarms(ctx, &cw.DeleteAlarmsInput{AlarmNames: []string{"web-cpu-high"}}); err != nil {
		t.Fatal(err)
	}
	out, err = c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{})
	if err != nil || len(out.MetricAlarms) != 0 {
		t.Fatalf("after DeleteAlarms: %+v, %v", out, err)
	}
}
