package appscaling

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkReconcile is one loop pass over 200 scalable targets, each with a CPU target
// tracking policy and a scheduled action, at a minute boundary (every target samples and
// evaluates its alarms), with ports that answer at once.
func BenchmarkReconcile(b *testing.B) {
	s, clk := benchTargets(b)
	for b.Loop() {
		clk.Advance(time.Minute)
		if _, err := s.Reconcile(clk.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReconcileIdle is the common pass: an API change kicked the loop and no
// target has anything due.
func BenchmarkReconcileIdle(b *testing.B) {
	s, clk := benchTargets(b)
	for b.Loop() {
		if _, err := s.Reconcile(clk.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func benchTargets(b *testing.B) (*Service, *clock.Fake) {
	f := &fakeECS{desired: 2, sample: Sample{CPU: 40, Memory: 30, Tasks: 2}}
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s, err := Open(Config{Clock: clk, Region: "us-east-1", Account: "000000000000", Services: f, Metrics: f})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range 200 {
		id := fmt.Sprintf("service/default/svc-%03d", i)
		if _, err := s.RegisterScalableTarget(ctx, &RegisterScalableTargetInput{ServiceNamespace: "ecs", ResourceId: id,
			ScalableDimension: DimensionDesiredCount, MinCapacity: ecs.Ptr(1), MaxCapacity: ecs.Ptr(10)}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PutScalingPolicy(ctx, &PutScalingPolicyInput{PolicyName: "cpu", ServiceNamespace: "ecs", ResourceId: id,
			ScalableDimension: DimensionDesiredCount, PolicyType: PolicyTargetTracking, TargetTrackingScalingPolicyConfiguration: &TargetTrackingScalingPolicyConfiguration{
				TargetValue: 50, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: MetricCPU}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PutScheduledAction(ctx, &PutScheduledActionInput{ScheduledActionName: "night", ServiceNamespace: "ecs", ResourceId: id,
			ScalableDimension: DimensionDesiredCount, Schedule: "cron(0 22 * * ? *)", ScalableTargetAction: &ScalableTargetAction{MaxCapacity: ecs.Ptr(4)}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Reconcile(clk.Now()); err != nil {
		b.Fatal(err)
	}
	return s, clk
}
