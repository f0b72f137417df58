package appscaling

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var policyNameRE = regexp.MustCompile(`^[^\x00-\x1f]{1,256}$`)

// maxPoliciesPerTarget is Application Auto Scaling's quota of scaling policies per
// scalable target.
const maxPoliciesPerTarget = 50

// PutScalingPolicy creates or replaces a policy of a registered target. A target
// tracking policy gets its two alarms' names and ARNs, as CloudWatch would name them.
func (s *Service) PutScalingPolicy(ctx context.Context, in *PutScalingPolicyInput) (*PutScalingPolicyOutput, error) {
	if !policyNameRE.MatchString(in.PolicyName) {
		return nil, validation("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must have length between 1 and 256", in.PolicyName)
	}
	ref := TargetRef{ServiceNamespace: in.ServiceNamespace, ResourceId: in.ResourceId, ScalableDimension: in.ScalableDimension}
	if in.PolicyType == "" {
		in.PolicyType = PolicyStepScaling
	}
	if err := checkPolicy(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	region := s.region(ctx)
	t, err := s.lookup(region, ref)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(t.Policies, func(p *ScalingPolicy) bool { return p.PolicyName == in.PolicyName })
	if i < 0 && len(t.Policies) >= maxPoliciesPerTarget {
		return nil, ecs.Errorf(CodeLimitExceeded, "Cannot put more than %d scaling policies on a scalable target", maxPoliciesPerTarget)
	}
	p := &ScalingPolicy{PolicyName: in.PolicyName, ServiceNamespace: in.ServiceNamespace, ResourceId: in.ResourceId,
		ScalableDimension: in.ScalableDimension, PolicyType: in.PolicyType,
		StepScalingPolicyConfiguration:           in.StepScalingPolicyConfiguration,
		TargetTrackingScalingPolicyConfiguration: in.TargetTrackingScalingPolicyConfiguration,
		PredictiveScalingPolicyConfiguration:     in.PredictiveScalingPolicyConfiguration,
		Alarms:                                   []Alarm{}, CreationTime: ecs.At(s.cfg.Clock.Now())}
	id := ecs.NewUUID()
	if i >= 0 {
		// An update keeps the policy's ARN, creation time and alarms.
		old := t.Policies[i]
		p.PolicyARN, p.CreationTime, p.Alarms = old.PolicyARN, old.CreationTime, old.Alarms
		if old.PolicyType != p.PolicyType {
			p.Alarms = []Alarm{}
		}
	} else {
		p.PolicyARN = s.arn(region, fmt.Sprintf("scalingPolicy:%s:resource/ecs/%s:policyName/%s", id, in.ResourceId, in.PolicyName))
	}
	if p.PolicyType == PolicyTargetTracking && len(p.Alarms) == 0 {
		for _, kind := range []string{"AlarmHigh", "AlarmLow"} {
			if kind == "AlarmLow" && ecs.Deref(p.TargetTrackingScalingPolicyConfiguration.DisableScaleIn) {
				continue
			}
			name := fmt.Sprintf("TargetTracking-%s-%s-%s", in.ResourceId, kind, ecs.NewUUID())
			p.Alarms = append(p.Alarms, Alarm{AlarmName: name, AlarmARN: fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, s.cfg.Account, name)})
		}
	}
	old := slices.Clone(t.Policies)
	if i >= 0 {
		t.Policies[i] = p
	} else {
		t.Policies = append(t.Policies, p)
	}
	if err := s.saveLocked(); err != nil {
		t.Policies = old
		return nil, err
	}
	t.recheck = true
	s.kick()
	return &PutScalingPolicyOutput{PolicyARN: p.PolicyARN, Alarms: p.Alarms}, nil
}

// checkPolicy validates a policy's configuration against its type.
func checkPolicy(in *PutScalingPolicyInput) error {
	switch in.PolicyType {
	case PolicyTargetTracking:
		c := in.TargetTrackingScalingPolicyConfiguration
		if c == nil {
			return validation("TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling")
		}
		if in.StepScalingPolicyConfiguration != nil {
			return validation("StepScalingPolicyConfiguration is not allowed for a policy of type TargetTrackingScaling")
		}
		if (c.PredefinedMetricSpecification == nil) == (c.CustomizedMetricSpecification == nil) {
			return validation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified")
		}
		if pm := c.PredefinedMetricSpecification; pm != nil {
			switch pm.PredefinedMetricType {
			case MetricCPU, MetricMemory:
			case MetricRequests:
				if pm.ResourceLabel == "" {
					return validation("ResourceLabel is required for predefined metric type ALBRequestCountPerTarget")
				}
			default:
				return validation("Unsupported predefined metric type %s for service namespace ecs", pm.PredefinedMetricType)
			}
		}
		if c.TargetValue <= 0 {
			return validation("The target value must be greater than 0")
		}
		for _, cd := range []*int{c.ScaleInCooldown, c.ScaleOutCooldown} {
			if cd != nil && (*cd < 0 || *cd > 86400) {
				return validation("Cooldown must be between 0 and 86400 seconds")
			}
		}
	case PolicyStepScaling:
		c := in.StepScalingPolicyConfiguration
		if c == nil {
			return validation("StepScalingPolicyConfiguration is required for a policy of type StepScaling")
		}
		if in.TargetTrackingScalingPolicyConfiguration != nil {
			return validation("TargetTrackingScalingPolicyConfiguration is not allowed for a policy of type StepScaling")
		}
		switch c.AdjustmentType {
		case AdjustChange, AdjustPercent, AdjustExact:
		default:
			return validation("AdjustmentType must be one of ChangeInCapacity, PercentChangeInCapacity, ExactCapacity")
		}
		if len(c.StepAdjustments) == 0 {
			return validation("StepAdjustments must contain at least one adjustment")
		}
		for _, st := range c.StepAdjustments {
			if st.MetricIntervalLowerBound == nil && st.MetricIntervalUpperBound == nil && len(c.StepAdjustments) > 1 {
				return validation("Only one step adjustment may have neither a lower nor an upper bound")
			}
			if lo, hi := st.MetricIntervalLowerBound, st.MetricIntervalUpperBound; lo != nil && hi != nil && *lo >= *hi {
				return validation("The upper bound of a step must be greater than its lower bound")
			}
		}
		if c.MinAdjustmentMagnitude != nil && c.AdjustmentType != AdjustPercent {
			return validation("MinAdjustmentMagnitude is only supported with AdjustmentType PercentChangeInCapacity")
		}
		if c.MetricAggregationType != "" && !slices.Contains([]string{"Average", "Minimum", "Maximum"}, c.MetricAggregationType) {
			return validation("MetricAggregationType must be one of Average, Minimum, Maximum")
		}
	case PolicyPredictive:
		return validation("ecsmini does not serve PredictiveScaling policies")
	default:
		return validation("1 validation error detected: Value '%s' at 'policyType' failed to satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]", in.PolicyType)
	}
	return nil
}

// DescribeScalingPolicies lists policies.
func (s *Service) DescribeScalingPolicies(ctx context.Context, in *DescribeScalingPoliciesInput) (*DescribeScalingPoliciesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.inScope(s.region(ctx), in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err != nil {
		return nil, err
	}
	all := []ScalingPolicy{}
	for _, t := range ts {
		for _, p := range t.Policies {
			if len(in.PolicyNames) == 0 || slices.Contains(in.PolicyNames, p.PolicyName) {
				all = append(all, *p)
			}
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &DescribeScalingPoliciesOutput{ScalingPolicies: items, NextToken: next}, nil
}

// DeleteScalingPolicy deletes a policy (and, for target tracking, its alarms).
func (s *Service) DeleteScalingPolicy(ctx context.Context, in *DeleteScalingPolicyInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(s.region(ctx), TargetRef{in.ServiceNamespace, in.ResourceId, in.ScalableDimension})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(t.Policies, func(p *ScalingPolicy) bool { return p.PolicyName == in.PolicyName })
	if i < 0 {
		return nil, ecs.Errorf(CodeObjectNotFound, "No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: %s, policy name: %s",
			in.ServiceNamespace, in.ResourceId, in.ScalableDimension, in.PolicyName)
	}
	old := slices.Clone(t.Policies)
	t.Policies = slices.Delete(t.Policies, i, i+1)
	if err := s.saveLocked(); err != nil {
		t.Policies = old
		return nil, err
	}
	return &Empty{}, nil
}
