package appscaling

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var actionNameRE = regexp.MustCompile(`^[^\x00-\x1f]{1,256}$`)

// maxActionsPerTarget is Application Auto Scaling's quota of scheduled actions per
// scalable target.
const maxActionsPerTarget = 200

// PutScheduledAction creates or updates a scheduled action of a registered target.
// On update, fields not given keep their values, as the API documents.
func (s *Service) PutScheduledAction(ctx context.Context, in *PutScheduledActionInput) (*Empty, error) {
	if !actionNameRE.MatchString(in.ScheduledActionName) {
		return nil, validation("1 validation error detected: Value '%s' at 'scheduledActionName' failed to satisfy constraint: Member must have length between 1 and 256", in.ScheduledActionName)
	}
	ref := TargetRef{in.ServiceNamespace, in.ResourceId, in.ScalableDimension}
	s.mu.Lock()
	defer s.mu.Unlock()
	region := s.region(ctx)
	t, err := s.lookup(region, ref)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Clock.Now()
	i := slices.IndexFunc(t.Actions, func(a *scheduledAction) bool { return a.ScheduledActionName == in.ScheduledActionName })
	var a scheduledAction
	if i >= 0 {
		a = *t.Actions[i]
	} else {
		if len(t.Actions) >= maxActionsPerTarget {
			return nil, ecs.Errorf(CodeLimitExceeded, "Cannot put more than %d scheduled actions on a scalable target", maxActionsPerTarget)
		}
		if in.Schedule == "" {
			return nil, validation("Schedule is required for a new scheduled action")
		}
		a.ScheduledAction = ScheduledAction{ScheduledActionName: in.ScheduledActionName, ServiceNamespace: in.ServiceNamespace,
			ResourceId: in.ResourceId, ScalableDimension: in.ScalableDimension, CreationTime: ecs.At(now),
			ScheduledActionARN: s.arn(region, fmt.Sprintf("scheduledAction:%s:resource/ecs/%s:scheduledActionName/%s", ecs.NewUUID(), in.ResourceId, in.ScheduledActionName))}
	}
	if in.Schedule != "" {
		a.Schedule = in.Schedule
	}
	if in.Timezone != "" {
		a.Timezone = in.Timezone
	}
	if in.StartTime != nil {
		a.StartTime = in.StartTime
	}
	if in.EndTime != nil {
		a.EndTime = in.EndTime
	}
	if in.ScalableTargetAction != nil {
		a.ScalableTargetAction = in.ScalableTargetAction
	}
	if sa := a.ScalableTargetAction; sa == nil || (sa.MinCapacity == nil && sa.MaxCapacity == nil) {
		return nil, validation("ScalableTargetAction must specify MinCapacity, MaxCapacity or both")
	} else if sa.MinCapacity != nil && sa.MaxCapacity != nil && *sa.MinCapacity > *sa.MaxCapacity {
		return nil, validation("Minimum capacity cannot be greater than maximum capacity")
	}
	if a.StartTime != nil && a.EndTime != nil && !a.EndTime.After(a.StartTime.Time) {
		return nil, validation("EndTime must be after StartTime")
	}
	sched, err := ParseSchedule(a.Schedule, a.Timezone)
	if err != nil {
		return nil, err
	}
	a.Next = a.nextFiring(sched, now)
	old := slices.Clone(t.Actions)
	if i >= 0 {
		t.Actions[i] = &a
	} else {
		t.Actions = append(t.Actions, &a)
	}
	if err := s.saveLocked(); err != nil {
		t.Actions = old
		return nil, err
	}
	s.kick()
	return &Empty{}, nil
}

// nextFiring is the action's next firing after now within its StartTime and EndTime
// (zero: never again). A rate() counts from StartTime, else from the action's creation.
func (a *scheduledAction) nextFiring(sched Schedule, now time.Time) time.Time {
	anchor := a.CreationTime.Time
	after := now
	if a.StartTime != nil {
		anchor = a.StartTime.Time
		if a.StartTime.After(now) {
			after = a.StartTime.Add(-time.Nanosecond)
		}
	}
	next := sched.Next(after, anchor)
	if next.IsZero() || (a.EndTime != nil && next.After(a.EndTime.Time)) {
		return time.Time{}
	}
	return next
}

// DescribeScheduledActions lists scheduled actions.
func (s *Service) DescribeScheduledActions(ctx context.Context, in *DescribeScheduledActionsInput) (*DescribeScheduledActionsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.inScope(s.region(ctx), in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err != nil {
		return nil, err
	}
	all := []ScheduledAction{}
	for _, t := range ts {
		for _, a := range t.Actions {
			if len(in.ScheduledActionNames) == 0 || slices.Contains(in.ScheduledActionNames, a.ScheduledActionName) {
				all = append(all, a.ScheduledAction)
			}
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &DescribeScheduledActionsOutput{ScheduledActions: items, NextToken: next}, nil
}

// DeleteScheduledAction deletes a scheduled action.
func (s *Service) DeleteScheduledAction(ctx context.Context, in *DeleteScheduledActionInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(s.region(ctx), TargetRef{in.ServiceNamespace, in.ResourceId, in.ScalableDimension})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(t.Actions, func(a *scheduledAction) bool { return a.ScheduledActionName == in.ScheduledActionName })
	if i < 0 {
		return nil, ecs.Errorf(CodeObjectNotFound, "No scheduled action found for service namespace: %s, resource ID: %s, scalable dimension: %s, scheduled action name: %s",
			in.ServiceNamespace, in.ResourceId, in.ScalableDimension, in.ScheduledActionName)
	}
	old := slices.Clone(t.Actions)
	t.Actions = slices.Delete(t.Actions, i, i+1)
	if err := s.saveLocked(); err != nil {
		t.Actions = old
		return nil, err
	}
	return &Empty{}, nil
}
