package appscaling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// sampleEvery is the period of the metrics' datapoints (CloudWatch's one minute).
const sampleEvery = time.Minute

// reconcileTimeout bounds a pass's calls into ECS and the runtime.
const reconcileTimeout = 10 * time.Second

// Reconcile is run by every control loop pass at the emulator clock's now: it fires
// the scheduled actions that fell due, keeps desired counts within capacities, takes
// the metrics' datapoints that fell due and acts on target tracking alarms. It returns
// when it next falls due.
func (s *Service) Reconcile(now time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	at := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	changed := false
	var errs []error
	passCtx, cancel := context.WithTimeout(context.Background(), reconcileTimeout)
	defer cancel()
	for _, t := range s.sortedLocked() {
		n, ch, err := s.reconcileTarget(ecs.WithRegion(passCtx, t.Region), t, now)
		at(n)
		changed = changed || ch
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.T.ResourceId, err))
		}
	}
	if changed {
		if err := s.saveLocked(); err != nil {
			errs = append(errs, err)
		}
	}
	// A service that went away or a runtime that did not answer is the target's
	// problem, not the loop's: it is logged and the pass goes on.
	for _, err := range errs {
		s.cfg.Log.Warn("application auto scaling", "err", err)
	}
	return next, nil
}

func (t *target) suspended() SuspendedState {
	if t.T.SuspendedState == nil {
		return SuspendedState{}
	}
	return *t.T.SuspendedState
}

// reconcileTarget does one target's work; changed says the state to save changed.
func (s *Service) reconcileTarget(ctx context.Context, t *target, now time.Time) (next time.Time, changed bool, err error) {
	cluster, name, err := parseResource(t.T.ServiceNamespace, t.T.ResourceId, t.T.ScalableDimension)
	if err != nil {
		return time.Time{}, false, err
	}
	sv := svcRef{region: t.Region, cluster: cluster, name: name}
	at := func(x time.Time) {
		if !x.IsZero() && (next.IsZero() || x.Before(next)) {
			next = x
		}
	}
	// Scheduled actions first: they move the capacities the rest obeys.
	fired := false
	for _, a := range t.Actions {
		if a.Next.IsZero() || a.Next.After(now) {
			at(a.Next)
			continue
		}
		sched, perr := ParseSchedule(a.Schedule, a.Timezone)
		if perr != nil {
			a.Next = time.Time{}
			changed = true
			continue
		}
		if !ecs.Deref(t.suspended().ScheduledScalingSuspended) {
			s.fireAction(t, a, now)
		}
		a.Next = a.nextFiring(sched, now)
		changed, fired = true, true
		at(a.Next)
	}
	// Nothing due: no call into ECS (a pass runs on every API change).
	sampleDue := t.tracks() && (t.nextSample.IsZero() || !now.Before(t.nextSample))
	if !fired && !t.recheck && !sampleDue {
		at(t.nextSample)
		return next, changed, nil
	}
	t.recheck = false
	current, err := s.cfg.Services.DesiredCount(ctx, sv.region, sv.cluster, sv.name)
	if errors.Is(err, ErrNoService) {
		return next, changed, nil // the service is gone: the target stays, as in AWS
	} else if err != nil {
		return next, changed, err
	}
	// Capacities: a desired count outside them is brought inside.
	switch {
	case current < t.T.MinCapacity:
		s.scale(ctx, t, sv, now, current, t.T.MinCapacity, fmt.Sprintf("minimum capacity was set to %d", t.T.MinCapacity))
		return next, true, nil
	case current > t.T.MaxCapacity:
		s.scale(ctx, t, sv, now, current, t.T.MaxCapacity, fmt.Sprintf("maximum capacity was set to %d", t.T.MaxCapacity))
		return next, true, nil
	}
	if !t.tracks() {
		t.points, t.nextSample, t.sampled = nil, time.Time{}, false
		return next, changed, nil
	}
	if err := s.sample(ctx, t, sv, now); err != nil {
		at(t.nextSample)
		return next, changed, err
	}
	at(t.nextSample)
	if s.track(ctx, t, sv, now, current) {
		changed = true
	}
	return next, changed, nil
}

type svcRef struct{ region, cluster, name string }

// tracks reports whether a target has a target tracking policy ecsmini can evaluate.
func (t *target) tracks() bool {
	for _, p := range t.Policies {
		if c := p.TargetTrackingScalingPolicyConfiguration; p.PolicyType == PolicyTargetTracking && c != nil && c.PredefinedMetricSpecification != nil {
			return true
		}
	}
	return false
}

// maxPoints is the metric history kept: enough for the scale-in alarm.
const maxPoints = ScaleInDatapoints + 1

// sample takes the datapoints that fell due. The first sample only sets the
// baselines (CPU rates and request counts are differences); minutes skipped by a
// clock jump repeat the sample, as a steady load would have produced.
func (s *Service) sample(ctx context.Context, t *target, sv svcRef, now time.Time) error {
	if s.cfg.Metrics == nil {
		return nil
	}
	if t.nextSample.IsZero() {
		sm, err := s.cfg.Metrics.Sample(ctx, sv.region, sv.cluster, sv.name)
		if err != nil {
			return err
		}
		t.requests, t.sampled = sm.Requests, true
		t.nextSample = now.Add(sampleEvery)
		return nil
	}
	if now.Before(t.nextSample) {
		return nil
	}
	sm, err := s.cfg.Metrics.Sample(ctx, sv.region, sv.cluster, sv.name)
	if err != nil {
		t.nextSample = now.Add(sampleEvery)
		return err
	}
	minutes := int(now.Sub(t.nextSample)/sampleEvery) + 1
	p := point{}
	if sm.Tasks > 0 {
		p.cpu, p.mem = Datapoint{Value: sm.CPU, OK: true}, Datapoint{Value: sm.Memory, OK: true}
	}
	if sm.HasBalancer && t.sampled && sm.Requests >= t.requests && sm.Targets > 0 {
		perMinute := float64(sm.Requests-t.requests) / float64(minutes)
		p.req = Datapoint{Value: perMinute / float64(sm.Targets), OK: true}
	}
	t.requests, t.sampled = sm.Requests, true
	for range min(minutes, maxPoints) {
		t.points = append(t.points, p)
	}
	if len(t.points) > maxPoints {
		t.points = t.points[len(t.points)-maxPoints:]
	}
	t.nextSample = t.nextSample.Add(time.Duration(minutes) * sampleEvery)
	return nil
}

func (t *target) series(metric string) []Datapoint {
	out := make([]Datapoint, len(t.points))
	for i, p := range t.points {
		switch metric {
		case MetricCPU:
			out[i] = p.cpu
		case MetricMemory:
			out[i] = p.mem
		case MetricRequests:
			out[i] = p.req
		}
	}
	return out
}

func cooldown(c *int) time.Duration {
	if c == nil {
		return DefaultCooldown
	}
	return time.Duration(*c) * time.Second
}

// track evaluates the target tracking policies: any policy in ALARM high scales out
// (to the largest capacity asked), scale-in needs every policy to ask for it (to the
// largest capacity asked), within cooldowns, capacities and suspensions.
func (s *Service) track(ctx context.Context, t *target, sv svcRef, now time.Time, current int) bool {
	susp := t.suspended()
	outWant, inWant, inVotes, voters := -1, -1, 0, 0
	var outCause, inCause string
	for _, p := range t.Policies {
		c := p.TargetTrackingScalingPolicyConfiguration
		if p.PolicyType != PolicyTargetTracking || c == nil || c.PredefinedMetricSpecification == nil {
			continue
		}
		voters++
		d, want := TrackingDecision(t.series(c.PredefinedMetricSpecification.PredefinedMetricType), c.TargetValue, current, ecs.Deref(c.DisableScaleIn))
		switch d {
		case Out:
			if now.Before(t.LastScaleOut.Add(cooldown(c.ScaleOutCooldown))) || ecs.Deref(susp.DynamicScalingOutSuspended) {
				continue
			}
			if want > outWant {
				outWant, outCause = want, fmt.Sprintf("monitor alarm %s in state ALARM triggered policy %s", alarmName(p, "AlarmHigh"), p.PolicyName)
			}
		case In:
			if now.Before(t.LastScaleIn.Add(cooldown(c.ScaleInCooldown))) || ecs.Deref(susp.DynamicScalingInSuspended) {
				continue
			}
			inVotes++
			if want > inWant {
				inWant, inCause = want, fmt.Sprintf("monitor alarm %s in state ALARM triggered policy %s", alarmName(p, "AlarmLow"), p.PolicyName)
			}
		}
	}
	want, cause := -1, ""
	switch {
	case outWant >= 0:
		want, cause = min(max(outWant, t.T.MinCapacity), t.T.MaxCapacity), outCause
		if want <= current {
			return false
		}
		t.LastScaleOut = now
	case voters > 0 && inVotes == voters:
		want, cause = min(max(inWant, t.T.MinCapacity), t.T.MaxCapacity), inCause
		if want >= current {
			return false
		}
		t.LastScaleIn = now
	default:
		return false
	}
	s.scale(ctx, t, sv, now, current, want, cause)
	return true
}

func alarmName(p *ScalingPolicy, kind string) string {
	for _, a := range p.Alarms {
		if strings.Contains(a.AlarmName, "-"+kind+"-") {
			return a.AlarmName
		}
	}
	return "TargetTracking-" + p.ResourceId + "-" + kind
}

// scale sets the desired count and records the activity, successful or failed.
func (s *Service) scale(ctx context.Context, t *target, sv svcRef, now time.Time, from, to int, cause string) {
	a := s.activity(t, now, fmt.Sprintf("Setting desired count to %d.", to), cause)
	msg := fmt.Sprintf("(service %s) desired count set to %d by Application Auto Scaling: %s.", sv.name, to, cause)
	if err := s.cfg.Services.SetDesiredCount(ctx, sv.region, sv.cluster, sv.name, to, msg); err != nil {
		a.StatusCode = StatusFailed
		a.StatusMessage = fmt.Sprintf("Failed to set desired count to %d. Reason: %s", to, err.Error())
	} else {
		a.StatusMessage = fmt.Sprintf("Successfully set desired count to %d. Change successfully fulfilled by ecs.", to)
	}
	t.addActivity(a)
	if a.StatusCode == StatusSuccessful && s.cfg.OnChange != nil {
		s.cfg.OnChange(Change{Region: t.Region, Activity: a, Old: from, New: to, Min: t.T.MinCapacity, Max: t.T.MaxCapacity})
	}
}

// fireAction applies a scheduled action's capacities.
func (s *Service) fireAction(t *target, a *scheduledAction, now time.Time) {
	sa := a.ScalableTargetAction
	if sa == nil {
		return
	}
	var parts []string
	if sa.MinCapacity != nil {
		t.T.MinCapacity = *sa.MinCapacity
		parts = append(parts, fmt.Sprintf("min capacity to %d", *sa.MinCapacity))
	}
	if sa.MaxCapacity != nil {
		t.T.MaxCapacity = *sa.MaxCapacity
		parts = append(parts, fmt.Sprintf("max capacity to %d", *sa.MaxCapacity))
	}
	// A new minimum above the maximum (or the reverse) drags the other along.
	if t.T.MinCapacity > t.T.MaxCapacity {
		if sa.MinCapacity != nil {
			t.T.MaxCapacity = t.T.MinCapacity
		} else {
			t.T.MinCapacity = t.T.MaxCapacity
		}
	}
	act := s.activity(t, now, "Setting "+strings.Join(parts, " and "), fmt.Sprintf("scheduled action name %s was triggered", a.ScheduledActionName))
	act.StatusMessage = "Successfully set " + strings.Join(parts, " and ")
	t.addActivity(act)
}

func (s *Service) activity(t *target, now time.Time, description, cause string) ScalingActivity {
	return ScalingActivity{ActivityId: ecs.NewUUID(), ServiceNamespace: t.T.ServiceNamespace, ResourceId: t.T.ResourceId,
		ScalableDimension: t.T.ScalableDimension, Description: description, Cause: cause,
		StartTime: ecs.At(now), EndTime: ecs.At(now), StatusCode: StatusSuccessful}
}

func (t *target) addActivity(a ScalingActivity) {
	t.Activities = append([]ScalingActivity{a}, t.Activities...)
	if len(t.Activities) > maxActivities {
		t.Activities = t.Activities[:maxActivities]
	}
}

// DescribeScalingActivities lists activities, newest first.
func (s *Service) DescribeScalingActivities(ctx context.Context, in *DescribeScalingActivitiesInput) (*DescribeScalingActivitiesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.inScope(s.region(ctx), in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err != nil {
		return nil, err
	}
	all := []ScalingActivity{}
	for _, t := range ts {
		all = append(all, t.Activities...)
	}
	if len(ts) > 1 {
		sortActivities(all)
	}
	items, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &DescribeScalingActivitiesOutput{ScalingActivities: items, NextToken: next}, nil
}

func sortActivities(as []ScalingActivity) {
	slices.SortStableFunc(as, func(a, b ScalingActivity) int { return b.StartTime.Compare(a.StartTime.Time) })
}
