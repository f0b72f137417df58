package appscaling

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestExecuteScalingPolicy: what an alarm's action does to a step policy, by the
// breach, the adjustment type, suspension and cooldown.
func TestExecuteScalingPolicy(t *testing.T) {
	lo := func(v float64) *float64 { return &v }
	tests := []struct {
		name    string
		cfg     StepScalingPolicyConfiguration
		suspend *SuspendedState
		metric  float64 // against a threshold of 50
		desired int
		want    int
	}{
		{name: "first step", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: lo(0), MetricIntervalUpperBound: lo(10), ScalingAdjustment: 1},
			{MetricIntervalLowerBound: lo(10), ScalingAdjustment: 4}}}, metric: 55, desired: 2, want: 3},
		{name: "second step", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: lo(0), MetricIntervalUpperBound: lo(10), ScalingAdjustment: 1},
			{MetricIntervalLowerBound: lo(10), ScalingAdjustment: 4}}}, metric: 75, desired: 2, want: 6},
		{name: "clamped to max", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: lo(0), ScalingAdjustment: 20}}}, metric: 60, desired: 2, want: 10},
		{name: "exact", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustExact, StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: lo(0), ScalingAdjustment: 7}}}, metric: 60, desired: 2, want: 7},
		{name: "percent with minimum magnitude", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustPercent, MinAdjustmentMagnitude: ecs.Ptr(2),
			StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: lo(0), ScalingAdjustment: 10}}}, metric: 60, desired: 4, want: 6},
		{name: "scale-in below the threshold", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
			{MetricIntervalUpperBound: lo(0), ScalingAdjustment: -1}}}, metric: 20, desired: 4, want: 3},
		{name: "no step matches", cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: lo(0), ScalingAdjustment: 1}}}, metric: 20, desired: 4, want: 4},
		{name: "scale-out suspended", suspend: &SuspendedState{DynamicScalingOutSuspended: ecs.Ptr(true)},
			cfg: StepScalingPolicyConfiguration{AdjustmentType: AdjustChange, StepAdjustments: []StepAdjustment{
				{MetricIntervalLowerBound: lo(0), ScalingAdjustment: 1}}}, metric: 60, desired: 2, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, f, clk := newFake(t, tt.desired)
			ctx := context.Background()
			if tt.suspend != nil {
				if _, err := s.RegisterScalableTarget(ctx, &RegisterScalableTargetInput{ServiceNamespace: "ecs", ResourceId: "service/default/web",
					ScalableDimension: DimensionDesiredCount, SuspendedState: tt.suspend}); err != nil {
					t.Fatal(err)
				}
			}
			cfg := tt.cfg
			cfg.Cooldown = ecs.Ptr(60)
			p, err := s.PutScalingPolicy(ctx, &PutScalingPolicyInput{PolicyName: "step", ServiceNamespace: "ecs", ResourceId: "service/default/web",
				ScalableDimension: DimensionDesiredCount, PolicyType: PolicyStepScaling, StepScalingPolicyConfiguration: &cfg})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ExecuteScalingPolicy(ctx, p.PolicyARN, "cpu", "ALARM", tt.metric, 50); err != nil {
				t.Fatal(err)
			}
			if f.desired != tt.want {
				t.Fatalf("desired = %d, want %d", f.desired, tt.want)
			}
			// Within the cooldown a second run does nothing; after it, the policy acts again.
			if tt.want == tt.desired || tt.want == 10 || tt.cfg.AdjustmentType == AdjustExact {
				return
			}
			if err := s.ExecuteScalingPolicy(ctx, p.PolicyARN, "cpu", "ALARM", tt.metric, 50); err != nil || f.desired != tt.want {
				t.Fatalf("within the cooldown desired = %d (%v), want %d", f.desired, err, tt.want)
			}
			clk.Advance(time.Minute)
			if err := s.ExecuteScalingPolicy(ctx, p.PolicyARN, "cpu", "ALARM", tt.metric, 50); err != nil || f.desired == tt.want {
				t.Fatalf("after the cooldown desired = %d (%v), want a further change", f.desired, err)
			}
		})
	}
	s, _, _ := newFake(t, 1)
	var e *ecs.Error
	if err := s.ExecuteScalingPolicy(context.Background(), "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:x", "cpu", "ALARM", 1, 0); !errors.As(err, &e) || e.Code != CodeObjectNotFound {
		t.Errorf("an unknown policy: %v, want ObjectNotFoundException", err)
	}
}
