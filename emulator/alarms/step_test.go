package alarms

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// service is one ECS service's desired count.
type service struct{ desired int }

func (f *service) DesiredCount(context.Context, string, string, string) (int, error) {
	return f.desired, nil
}

func (f *service) SetDesiredCount(_ context.Context, _, _, _ string, n int, _ string) error {
	f.desired = n
	return nil
}

// TestStepScalingFires drives a simulated CPU load over an alarm whose action is a
// step scaling policy: the alarm goes to ALARM, the policy scales the service out by
// the step the breach falls in, waits out its cooldown, and scales again while the
// alarm stays in ALARM.
func TestStepScalingFires(t *testing.T) {
	ctx := ecs.WithRegion(context.Background(), "us-east-1")
	clk := clock.NewFake(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	svc, l := &service{desired: 2}, &load{tasks: 2}
	asc, err := appscaling.Open(appscaling.Config{Clock: clk, Region: "us-east-1", Account: "000000000000", Services: svc})
	if err != nil {
		t.Fatal(err)
	}
	al, err := Open(Config{Clock: clk, Region: "us-east-1", Account: "000000000000", Metrics: l, Actions: asc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := asc.RegisterScalableTarget(ctx, &appscaling.RegisterScalableTargetInput{ServiceNamespace: "ecs",
		ResourceId: "service/demo/web", ScalableDimension: appscaling.DimensionDesiredCount, MinCapacity: ecs.Ptr(1), MaxCapacity: ecs.Ptr(10)}); err != nil {
		t.Fatal(err)
	}
	pol, err := asc.PutScalingPolicy(ctx, &appscaling.PutScalingPolicyInput{PolicyName: "cpu-out", ServiceNamespace: "ecs",
		ResourceId: "service/demo/web", ScalableDimension: appscaling.DimensionDesiredCount, PolicyType: appscaling.PolicyStepScaling,
		StepScalingPolicyConfiguration: &appscaling.StepScalingPolicyConfiguration{AdjustmentType: appscaling.AdjustChange,
			Cooldown: ecs.Ptr(180), MetricAggregationType: "Average", StepAdjustments: []appscaling.StepAdjustment{
				{MetricIntervalLowerBound: ecs.Ptr(0.0), MetricIntervalUpperBound: ecs.Ptr(20.0), ScalingAdjustment: 1},
				{MetricIntervalLowerBound: ecs.Ptr(20.0), ScalingAdjustment: 3},
			}}})
	if err != nil {
		t.Fatal(err)
	}
	in := cpuAlarm("cpu-high", 70, 2, 2)
	in.AlarmActions = []string{pol.PolicyARN}
	if _, err := al.PutMetricAlarm(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := al.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
	l.set(30)
	minutes(t, al, clk, 3)
	if al.AlarmState("cpu-high") != StateOK || svc.desired != 2 {
		t.Fatalf("at 30%% CPU: alarm %s, desired %d; want OK and 2", al.AlarmState("cpu-high"), svc.desired)
	}
	l.set(80) // 10 above the threshold: the first step, +1
	minutes(t, al, clk, 2)
	if al.AlarmState("cpu-high") != StateAlarm || svc.desired != 3 {
		t.Fatalf("after two minutes at 80%%: alarm %s, desired %d; want ALARM and 3", al.AlarmState("cpu-high"), svc.desired)
	}
	l.set(95) // 25 above: the second step, +3, once the cooldown has passed
	minutes(t, al, clk, 2)
	if svc.desired != 3 {
		t.Fatalf("within the cooldown desired = %d, want 3", svc.desired)
	}
	minutes(t, al, clk, 1)
	if svc.desired != 6 {
		t.Fatalf("after the cooldown desired = %d, want 6", svc.desired)
	}
	acts, err := asc.DescribeScalingActivities(ctx, &appscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", ResourceId: "service/demo/web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts.ScalingActivities) != 2 {
		t.Fatalf("activities = %+v, want two", acts.ScalingActivities)
	}
	a := acts.ScalingActivities[0]
	if a.Description != "Setting desired count to 6." || !strings.Contains(a.Cause, "monitor alarm cpu-high in state ALARM triggered policy cpu-out") {
		t.Errorf("latest activity = %q / %q", a.Description, a.Cause)
	}
	l.set(99) // the maximum capacity caps the next step
	minutes(t, al, clk, 3)
	if svc.desired != 9 {
		t.Fatalf("desired = %d, want 9", svc.desired)
	}
	minutes(t, al, clk, 3)
	if svc.desired != 10 {
		t.Fatalf("desired = %d, want the maximum 10", svc.desired)
	}
}
