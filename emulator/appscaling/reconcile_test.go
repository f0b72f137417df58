package appscaling

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// fakeECS is one service "service/default/web" whose desired count the test reads,
// with a load the test sets.
type fakeECS struct {
	desired int
	sample  Sample
}

func (f *fakeECS) DesiredCount(context.Context, string, string, string) (int, error) {
	return f.desired, nil
}

func (f *fakeECS) SetDesiredCount(_ context.Context, _, _, _ string, n int, _ string) error {
	f.desired = n
	return nil
}

func (f *fakeECS) Sample(context.Context, string, string, string) (Sample, error) {
	return f.sample, nil
}

func newFake(t *testing.T, desired int) (*Service, *fakeECS, *clock.Fake) {
	t.Helper()
	f := &fakeECS{desired: desired}
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s, err := Open(Config{Clock: clk, Region: "us-east-1", Account: "000000000000", Services: f, Metrics: f})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.RegisterScalableTarget(ctx, &RegisterScalableTargetInput{ServiceNamespace: "ecs", ResourceId: "service/default/web",
		ScalableDimension: DimensionDesiredCount, MinCapacity: ecs.Ptr(1), MaxCapacity: ecs.Ptr(10)}); err != nil {
		t.Fatal(err)
	}
	return s, f, clk
}

// step advances the clock a minute and reconciles, as one loop pass would.
func step(t *testing.T, s *Service, clk *clock.Fake) {
	t.Helper()
	clk.Advance(time.Minute)
	if _, err := s.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
}

// ALBRequestCountPerTarget divides each minute's new requests by the targets: 600
// requests a minute over 2 targets is 300 per target, against a target of 100.
func TestRequestCountPerTarget(t *testing.T) {
	s, f, clk := newFake(t, 2)
	if _, err := s.PutScalingPolicy(context.Background(), &PutScalingPolicyInput{PolicyName: "rps", ServiceNamespace: "ecs", ResourceId: "service/default/web",
		ScalableDimension: DimensionDesiredCount, PolicyType: PolicyTargetTracking, TargetTrackingScalingPolicyConfiguration: &TargetTrackingScalingPolicyConfiguration{
			TargetValue: 100, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: MetricRequests, ResourceLabel: "app/web/1/targetgroup/web/2"}}}); err != nil {
		t.Fatal(err)
	}
	f.sample = Sample{HasBalancer: true, Targets: 2, Requests: 1000}
	if _, err := s.Reconcile(clk.Now()); err != nil { // the baseline
		t.Fatal(err)
	}
	for range 3 {
		f.sample.Requests += 600
		step(t, s, clk)
	}
	if f.desired != 6 {
		t.Fatalf("desired %d, want ceil(2 × 300 ÷ 100) = 6", f.desired)
	}
}

// Cooldowns: a second scale-out waits for the scale-out cooldown; suspending dynamic
// scale-out stops it altogether.
func TestCooldownAndSuspension(t *testing.T) {
	s, f, clk := newFake(t, 1)
	if _, err := s.PutScalingPolicy(context.Background(), &PutScalingPolicyInput{PolicyName: "cpu", ServiceNamespace: "ecs", ResourceId: "service/default/web",
		ScalableDimension: DimensionDesiredCount, PolicyType: PolicyTargetTracking, TargetTrackingScalingPolicyConfiguration: &TargetTrackingScalingPolicyConfiguration{
			TargetValue: 50, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: MetricCPU}, ScaleOutCooldown: ecs.Ptr(300)}}); err != nil {
		t.Fatal(err)
	}
	f.sample = Sample{CPU: 100, Tasks: 1}
	if _, err := s.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		step(t, s, clk)
	}
	if f.desired != 2 {
		t.Fatalf("desired %d after three minutes at 100%%, want 2", f.desired)
	}
	for range 4 {
		step(t, s, clk)
	}
	if f.desired != 2 {
		t.Fatalf("desired %d within the cooldown, want 2", f.desired)
	}
	step(t, s, clk) // five minutes after the scale-out
	if f.desired != 4 {
		t.Fatalf("desired %d after the cooldown, want 4", f.desired)
	}
	if _, err := s.RegisterScalableTarget(context.Background(), &RegisterScalableTargetInput{ServiceNamespace: "ecs", ResourceId: "service/default/web",
		ScalableDimension: DimensionDesiredCount, SuspendedState: &SuspendedState{DynamicScalingOutSuspended: ecs.Ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		step(t, s, clk)
	}
	if f.desired != 4 {
		t.Fatalf("desired %d with scale-out suspended, want 4", f.desired)
	}
}

// A clock jumped by an hour fills the skipped minutes with the sample taken after it.
func TestClockJumpFillsDatapoints(t *testing.T) {
	s, f, clk := newFake(t, 4)
	if _, err := s.PutScalingPolicy(context.Background(), &PutScalingPolicyInput{PolicyName: "mem", ServiceNamespace: "ecs", ResourceId: "service/default/web",
		ScalableDimension: DimensionDesiredCount, PolicyType: PolicyTargetTracking, TargetTrackingScalingPolicyConfiguration: &TargetTrackingScalingPolicyConfiguration{
			TargetValue: 80, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: MetricMemory}}}); err != nil {
		t.Fatal(err)
	}
	f.sample = Sample{Memory: 20, Tasks: 4}
	if _, err := s.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	next, err := s.Reconcile(clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if f.desired != 1 {
		t.Fatalf("desired %d, want ceil(4 × 20 ÷ 80) = 1", f.desired)
	}
	if want := clk.Now().Add(time.Minute); !next.Equal(want) {
		t.Fatalf("next due %v, want %v", next, want)
	}
}
