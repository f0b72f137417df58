package appscaling

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// maxCapacityLimit is the largest capacity ecsmini accepts (ECS's tasks per service).
const maxCapacityLimit = 5000

// serviceRole is the service-linked role Application Auto Scaling uses for ECS.
func (s *Service) serviceRole() string {
	return fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService", s.cfg.Account)
}

// RegisterScalableTarget registers a service's desired count, or updates the
// registration (capacities, suspended state) of one already registered.
func (s *Service) RegisterScalableTarget(ctx context.Context, in *RegisterScalableTargetInput) (*RegisterScalableTargetOutput, error) {
	cluster, name, err := parseResource(in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err != nil {
		return nil, err
	}
	if in.ScalableDimension == "" {
		return nil, validation("1 validation error detected: Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null")
	}
	for _, c := range []*int{in.MinCapacity, in.MaxCapacity} {
		if c != nil && (*c < 0 || *c > maxCapacityLimit) {
			return nil, validation("Capacity %d is outside 0-%d", *c, maxCapacityLimit)
		}
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	region := s.region(ctx)
	if _, err := s.cfg.Services.DesiredCount(ctx, region, cluster, name); errors.Is(err, ErrNoService) {
		return nil, validation("ECS service doesn't exist: %s", in.ResourceId)
	} else if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := targetKey(region, in.ResourceId)
	old := s.targets[k]
	var t target
	if old != nil {
		t = *old
	} else {
		if in.MinCapacity == nil || in.MaxCapacity == nil {
			return nil, validation("MinCapacity and MaxCapacity are required for registering a new scalable target")
		}
		t = target{Region: region, T: ScalableTarget{ServiceNamespace: in.ServiceNamespace, ResourceId: in.ResourceId,
			ScalableDimension: in.ScalableDimension, RoleARN: s.serviceRole(), CreationTime: ecs.At(s.cfg.Clock.Now()),
			ScalableTargetARN: fmt.Sprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/%s", region, s.cfg.Account, strings.ReplaceAll(ecs.NewUUID(), "-", "")[:30])}}
	}
	if in.MinCapacity != nil {
		t.T.MinCapacity = *in.MinCapacity
	}
	if in.MaxCapacity != nil {
		t.T.MaxCapacity = *in.MaxCapacity
	}
	if t.T.MinCapacity > t.T.MaxCapacity {
		return nil, validation("Minimum capacity cannot be greater than maximum capacity")
	}
	if in.RoleARN != "" {
		t.T.RoleARN = in.RoleARN
	}
	if in.SuspendedState != nil {
		t.T.SuspendedState = mergeSuspended(t.T.SuspendedState, in.SuspendedState)
	}
	if len(in.Tags) > 0 {
		if old != nil {
			return nil, validation("Tags can only be specified when registering a new scalable target; use TagResource")
		}
		t.Tags = maps.Clone(in.Tags)
	}
	t.recheck = true
	s.targets[k] = &t
	if err := s.saveLocked(); err != nil {
		if old != nil {
			s.targets[k] = old
		} else {
			delete(s.targets, k)
		}
		return nil, err
	}
	s.kick()
	return &RegisterScalableTargetOutput{ScalableTargetARN: t.T.ScalableTargetARN}, nil
}

func mergeSuspended(old, in *SuspendedState) *SuspendedState {
	m := SuspendedState{}
	if old != nil {
		m = *old
	}
	if in.DynamicScalingInSuspended != nil {
		m.DynamicScalingInSuspended = in.DynamicScalingInSuspended
	}
	if in.DynamicScalingOutSuspended != nil {
		m.DynamicScalingOutSuspended = in.DynamicScalingOutSuspended
	}
	if in.ScheduledScalingSuspended != nil {
		m.ScheduledScalingSuspended = in.ScheduledScalingSuspended
	}
	return &m
}

// present is the target as the API shows it: SuspendedState always, all false by default.
func (t *target) present() ScalableTarget {
	out := t.T
	f := false
	ss := SuspendedState{DynamicScalingInSuspended: &f, DynamicScalingOutSuspended: &f, ScheduledScalingSuspended: &f}
	if t.T.SuspendedState != nil {
		ss = *mergeSuspended(&ss, t.T.SuspendedState)
	}
	out.SuspendedState = &ss
	return out
}

// sortedLocked lists the targets by region and resource ID.
func (s *Service) sortedLocked() []*target {
	keys := slices.Sorted(maps.Keys(s.targets))
	out := make([]*target, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.targets[k])
	}
	return out
}

// inScope lists a region's targets matching a namespace, resource ID ("": any) and
// dimension ("": any); the caller holds s.mu.
func (s *Service) inScope(region, namespace, resourceID, dimension string) ([]*target, error) {
	if namespace == "" {
		return nil, validation("1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null")
	}
	if namespace != NamespaceECS {
		return nil, nil
	}
	var out []*target
	for _, t := range s.sortedLocked() {
		if t.Region == region && (resourceID == "" || t.T.ResourceId == resourceID) && (dimension == "" || t.T.ScalableDimension == dimension) {
			out = append(out, t)
		}
	}
	return out, nil
}

// DescribeScalableTargets lists registered targets.
func (s *Service) DescribeScalableTargets(ctx context.Context, in *DescribeScalableTargetsInput) (*DescribeScalableTargetsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.inScope(s.region(ctx), in.ServiceNamespace, "", in.ScalableDimension)
	if err != nil {
		return nil, err
	}
	all := []ScalableTarget{}
	for _, t := range ts {
		if len(in.ResourceIds) == 0 || slices.Contains(in.ResourceIds, t.T.ResourceId) {
			all = append(all, t.present())
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &DescribeScalableTargetsOutput{ScalableTargets: items, NextToken: next}, nil
}

// DeregisterScalableTarget removes a target with its policies and scheduled actions.
func (s *Service) DeregisterScalableTarget(ctx context.Context, in *DeregisterScalableTargetInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	region := s.region(ctx)
	t, err := s.lookup(region, *in)
	if err != nil {
		return nil, err
	}
	k := targetKey(region, in.ResourceId)
	delete(s.targets, k)
	if err := s.saveLocked(); err != nil {
		s.targets[k] = t
		return nil, err
	}
	return &Empty{}, nil
}

// byARN finds a target by its ARN; the caller holds s.mu.
func (s *Service) byARN(arn string) (*target, error) {
	if arn == "" {
		return nil, validation("1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null")
	}
	for _, t := range s.targets {
		if t.T.ScalableTargetARN == arn {
			return t, nil
		}
	}
	return nil, ecs.Errorf(CodeResourceMissing, "No scalable target found for ARN: %s", arn)
}

func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return ecs.Errorf(CodeTooManyTags, "The number of tags exceeds the limit of 50")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return validation("Invalid tag: key must be 1-128 characters and value at most 256")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return validation("Tag keys may not start with aws:")
		}
	}
	return nil
}

// TagResource adds or replaces tags of a scalable target.
func (s *Service) TagResource(_ context.Context, in *TagResourceInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.byARN(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(t.Tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, in.Tags)
	if err := checkTags(merged); err != nil {
		return nil, err
	}
	old := t.Tags
	t.Tags = merged
	if err := s.saveLocked(); err != nil {
		t.Tags = old
		return nil, err
	}
	return &Empty{}, nil
}

// UntagResource removes tags of a scalable target.
func (s *Service) UntagResource(_ context.Context, in *UntagResourceInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.byARN(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	old := t.Tags
	t.Tags = maps.Clone(old)
	for _, k := range in.TagKeys {
		delete(t.Tags, k)
	}
	if err := s.saveLocked(); err != nil {
		t.Tags = old
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsForResource lists a scalable target's tags.
func (s *Service) ListTagsForResource(_ context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.byARN(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	tags := maps.Clone(t.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &ListTagsForResourceOutput{Tags: tags}, nil
}
