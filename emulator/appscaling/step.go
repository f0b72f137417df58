package appscaling

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ExecuteScalingPolicy runs a step scaling policy because a CloudWatch alarm is in
// state (package alarms calls it on a transition and after every evaluation that keeps
// the alarm there). The step whose bounds, relative to the alarm's threshold, contain
// metric−threshold gives the adjustment; the new capacity is clamped to the target's
// capacities. Within the policy's Cooldown after its last scaling, and while dynamic
// scaling in that direction is suspended, nothing happens, as in AWS.
func (s *Service) ExecuteScalingPolicy(ctx context.Context, policyARN, alarmName, state string, metric, threshold float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock.Now()
	t, p := s.policyByARN(policyARN)
	if p == nil {
		return ecs.Errorf(CodeObjectNotFound, "No scaling policy found with ARN %s", policyARN)
	}
	c := p.StepScalingPolicyConfiguration
	if p.PolicyType != PolicyStepScaling || c == nil {
		return nil // target tracking policies answer to their own alarms
	}
	cluster, name, err := parseResource(t.T.ServiceNamespace, t.T.ResourceId, t.T.ScalableDimension)
	if err != nil {
		return err
	}
	sv := svcRef{region: t.Region, cluster: cluster, name: name}
	ctx = ecs.WithRegion(ctx, t.Region)
	current, err := s.cfg.Services.DesiredCount(ctx, sv.region, sv.cluster, sv.name)
	if err != nil {
		return fmt.Errorf("policy %s: %w", p.PolicyName, err)
	}
	want, ok := StepCapacity(c, current, metric-threshold)
	if !ok {
		return nil
	}
	want = min(max(want, t.T.MinCapacity), t.T.MaxCapacity)
	if want == current {
		return nil
	}
	susp := t.suspended()
	out := want > current
	if (out && ecs.Deref(susp.DynamicScalingOutSuspended)) || (!out && ecs.Deref(susp.DynamicScalingInSuspended)) {
		return nil
	}
	if last := t.StepRuns[p.PolicyARN]; !last.IsZero() && now.Before(last.Add(stepCooldown(c))) {
		return nil
	}
	if t.StepRuns == nil {
		t.StepRuns = map[string]time.Time{}
	}
	t.StepRuns[p.PolicyARN] = now
	if out {
		t.LastScaleOut = now
	} else {
		t.LastScaleIn = now
	}
	s.scale(ctx, t, sv, now, current, want, fmt.Sprintf("monitor alarm %s in state %s triggered policy %s", alarmName, state, p.PolicyName))
	return s.saveLocked()
}

// stepCooldown is a step policy's cooldown; Application Auto Scaling has no default
// for step policies, so none given means none.
func stepCooldown(c *StepScalingPolicyConfiguration) time.Duration {
	if c.Cooldown == nil {
		return 0
	}
	return time.Duration(*c.Cooldown) * time.Second
}

// policyByARN finds a policy and its target; the caller holds s.mu.
func (s *Service) policyByARN(arn string) (*target, *ScalingPolicy) {
	for _, t := range s.targets {
		for _, p := range t.Policies {
			if p.PolicyARN == arn {
				return t, p
			}
		}
	}
	return nil, nil
}
