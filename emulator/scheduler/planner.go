package scheduler

import (
	"fmt"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// planner is one PlanService call's working state; deps is a copy of the view's
// deployments that the plan's decisions update as they are made.
type planner struct {
	in      ServiceView
	p       Plan
	deps    []DeploymentView
	primary int
	stopped map[string]bool // tasks this plan stops
	started int             // tasks this plan starts (all in the primary deployment)
}

// PlanService decides what one REPLICA service needs now. It is pure: the same view
// gives the same plan, and it reads no clock (DESIGN principles 3 and 5).
func PlanService(in ServiceView) Plan {
	pl := &planner{in: in, p: Plan{Throttle: in.Throttle}, deps: slices.Clone(in.Deployments),
		primary: -1, stopped: map[string]bool{}}
	for i, d := range pl.deps {
		if d.Status == ecs.DeploymentPrimary {
			pl.primary = i
		}
	}
	if pl.primary < 0 {
		pl.p.Waits = append(pl.p.Waits, "no PRIMARY deployment")
		return pl.p
	}
	pl.account()
	pl.trip()
	pl.reconcile()
	pl.finish()
	pl.wake()
	return pl.p
}

func (pl *planner) prim() *DeploymentView { return &pl.deps[pl.primary] }

func (pl *planner) dep(id string) *DeploymentView {
	for i := range pl.deps {
		if pl.deps[i].ID == id {
			return &pl.deps[i]
		}
	}
	return nil
}

func (pl *planner) stop(t TaskView, cause, reason string, health bool) {
	pl.stopped[t.ARN] = true
	if health {
		pl.p.Events = append(pl.p.Events, unhealthyEvent(pl.in.Name, t))
	}
	pl.p.Stop = append(pl.p.Stop, StopStep{TaskARN: t.ARN, Cause: cause,
		StopCode: ecs.StopServiceSchedulerInitiated, Reason: reason, HealthCheck: health})
}

// reconcile decides starts and stops: keep desiredCount (spec §5.3), replace unhealthy
// tasks (§5.5), roll old deployments over within minimumHealthyPercent and
// maximumPercent (§5.4), scale in around protected tasks (§4.3, §5.11).
func (pl *planner) reconcile() {
	in, now, P := pl.in, pl.in.Now, pl.prim()
	b := BoundsOf(in.DesiredCount, in.MinimumHealthyPercent, in.MaximumPercent)
	// maximumPercent bounds deployments; below 100 % it would stop the service keeping
	// desiredCount at all, so the ceiling never drops under desiredCount (spec silent).
	ceiling := max(b.MaxTasks, in.DesiredCount)
	if in.HoldOld {
		ceiling = max(ceiling, 2*in.DesiredCount) // green at full size beside blue
	}
	total, healthy, stopping := 0, 0, 0
	var good, unhealthy, old []TaskView
	for _, t := range in.Tasks {
		switch {
		case t.stopping():
			total++
			stopping++
		case !t.live():
		case t.unhealthy(now, in.HealthCheckGracePeriod):
			total++
			unhealthy = append(unhealthy, t)
		default:
			total++
			if t.healthy(now) {
				healthy++
			}
			// A retiring task goes the way of an old deployment's: replaced first, then
			// stopped within minimumHealthyPercent (tasks spec §3.7).
			if t.DeploymentID == P.ID && !t.retiring(now) {
				good = append(good, t)
			} else {
				old = append(old, t)
			}
		}
	}

	// Starts: the primary deployment needs desiredCount tasks that are healthy or on
	// their way; unhealthy ones are replaced first when maximumPercent allows (§5.5 1).
	need := in.DesiredCount - len(good)
	blocked, room := false, ceiling-total
	switch {
	case need <= 0:
	case P.RolloutState == ecs.RolloutFailed:
		pl.p.Waits = append(pl.p.Waits, fmt.Sprintf("deployment %s FAILED: it launches no new tasks", P.ID))
	case pl.p.Throttle.throttled(now):
		pl.p.Waits = append(pl.p.Waits, fmt.Sprintf("launch throttled until %s after %d tasks failed to start",
			clock(pl.p.Throttle.NextAttempt), pl.p.Throttle.Failures))
	default:
		n := min(need, room)
		if n > 0 {
			cause := fmt.Sprintf("desired %d, %d healthy or starting", in.DesiredCount, len(good))
			if n < need {
				cause += fmt.Sprintf("; maximumPercent allows %d tasks, %d exist", ceiling, total)
			}
			replaced := 0
			for _, t := range unhealthy {
				if t.DeploymentID == P.ID {
					replaced++
				}
			}
			pl.p.Start = append(pl.p.Start, StartStep{DeploymentID: P.ID, TaskDefinition: P.TaskDefinition, Count: n,
				Replaced: min(replaced, n), Cause: cause})
			pl.started = n
			total += n
		}
		blocked = n < need
	}

	pl.stopUnhealthy(unhealthy, blocked && stopping == 0)
	pl.stopOld(old, healthy-b.MinHealthy, b.MinHealthy)
	pl.scaleIn(good)
	// A deployment stalls when maximumPercent leaves no room to start and
	// minimumHealthyPercent no healthy task to stop (§5.4).
	if need > 0 && room <= 0 && healthy <= b.MinHealthy && stopping == 0 && len(unhealthy) == 0 && pl.unprotected(old) {
		pl.p.Waits = append(pl.p.Waits, fmt.Sprintf("deployment stalled: minimum healthy %d, maximum %d tasks", b.MinHealthy, ceiling))
		pl.p.Events = append(pl.p.Events, Event{Kind: EventStalled, Service: in.Name})
	}
	if ids := pl.stoppedIDs(); len(ids) > 0 {
		pl.p.Events = append(pl.p.Events, Event{Kind: EventStopped, Service: in.Name, Tasks: ids})
	}
}

// stopUnhealthy stops an unhealthy task once the primary deployment has desiredCount
// healthy tasks again (its replacement is healthy), at once when it belongs to an old
// deployment (§5.4: a rolling update stops unhealthy tasks first), and — one at a time
// — when maximumPercent leaves no room to start its replacement (§5.5 3). Protection
// does not shield an unhealthy task: it shields from scale-in and deployments only.
func (pl *planner) stopUnhealthy(unhealthy []TaskView, noRoom bool) {
	P := pl.prim()
	primaryHealthy := 0
	for _, t := range pl.in.Tasks {
		if t.DeploymentID == P.ID && t.healthy(pl.in.Now) {
			primaryHealthy++
		}
	}
	// The longest-running go first: with no room, stopping a newer replacement instead
	// would replace replacements while the first unhealthy task kept running.
	unhealthy = slices.Clone(unhealthy)
	slices.SortStableFunc(unhealthy, func(a, b TaskView) int { return a.StartedAt.Compare(b.StartedAt) })
	for _, t := range unhealthy {
		switch {
		case t.DeploymentID != P.ID:
			pl.stop(t, "UNHEALTHY in an old deployment", t.unhealthyReason(), true)
		case primaryHealthy >= pl.in.DesiredCount:
			pl.stop(t, "UNHEALTHY, replacement healthy", t.unhealthyReason(), true)
		case noRoom:
			pl.stop(t, "UNHEALTHY, maximumPercent leaves no room for a replacement", t.unhealthyReason(), true)
			noRoom = false
		}
	}
}

// stopOld drains old deployments: tasks that are not healthy go at once, healthy ones
// only while more than minHealthy healthy tasks remain (§5.4); protected tasks stay
// until their protection ends (§5.11).
func (pl *planner) stopOld(old []TaskView, budget, minHealthy int) {
	now := pl.in.Now
	for _, t := range old {
		if !t.protected(now) && !t.healthy(now) {
			cause := "old deployment " + t.DeploymentID + ", not healthy"
			if t.retiring(now) {
				cause = "retired, not healthy"
			}
			pl.stop(t, cause, pl.oldReason(t), false)
		}
	}
	for _, t := range old {
		// A FAILED deployment without rollback keeps the old tasks serving (spec silent).
		if t.protected(now) || !t.healthy(now) || budget <= 0 || pl.prim().RolloutState == ecs.RolloutFailed || pl.in.HoldOld {
			continue
		}
		budget--
		cause := fmt.Sprintf("replaced by %s (minimum healthy %d)", pl.prim().ID, minHealthy)
		if t.retiring(now) {
			cause = fmt.Sprintf("retired, replaced (minimum healthy %d)", minHealthy)
		}
		pl.stop(t, cause, pl.oldReason(t), false)
	}
}

// oldReason is the stoppedReason of a task the rollover stops: a retirement's own, or
// the deployment's scaling activity.
func (pl *planner) oldReason(t TaskView) string {
	if t.InstanceDraining {
		return drainingReason
	}
	if t.retiring(pl.in.Now) {
		return retirementReason
	}
	return scalingReason(pl.prim().ID)
}
