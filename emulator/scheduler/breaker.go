package scheduler

import (
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// account reads the tasks that stopped since the last plan into the circuit breaker's
// counters (spec §5.7) and the launch back-off (§5.8), and lists them in Forget.
func (pl *planner) account() {
	P, now := pl.prim(), pl.in.Now
	th := &pl.p.Throttle
	if th.DeploymentID != P.ID {
		// A new deployment resets scheduling at once (§5.8).
		*th = Throttle{DeploymentID: P.ID}
	}
	before := th.Failures
	for _, t := range pl.in.Tasks {
		d := pl.dep(t.DeploymentID)
		if (t.running() || !t.StartedAt.IsZero()) && d != nil {
			d.ReachedRunning = true // breaker stage 2 from now on (§5.7)
		}
		if t.LastStatus != ecs.StatusStopped {
			continue
		}
		pl.p.Forget = append(pl.p.Forget, t.ARN)
		switch {
		case t.FailedToStart:
			if d != nil && !d.ReachedRunning {
				d.FailedTasks++ // stage 1: failed to reach RUNNING
			}
			if t.DeploymentID == P.ID {
				th.Failures++
			}
		case t.FailedHealthCheck:
			if d != nil && d.ReachedRunning {
				d.FailedTasks++ // stage 2: replaced for failed health checks
			}
		}
	}
	if th.Failures > before {
		if wait := Backoff(th.Failures); wait > 0 {
			th.NextAttempt = now.Add(wait)
			if before < freeLaunchFailures {
				pl.p.Events = append(pl.p.Events, Event{Kind: EventThrottled, Service: pl.in.Name})
			}
		}
	}
}

// trip fails the primary deployment when its failures reach the breaker's threshold
// and, with rollback, makes the most recent COMPLETED deployment PRIMARY again, back
// IN_PROGRESS (spec §5.7). A rollback that fails does not roll back again; with no
// COMPLETED deployment the service halts on the FAILED one.
func (pl *planner) trip() {
	cb, P := pl.in.CircuitBreaker, pl.prim()
	if !cb.Enable || P.RolloutState != ecs.RolloutInProgress || P.FailedTasks < BreakerThreshold(pl.in.DesiredCount) {
		return
	}
	P.RolloutState = ecs.RolloutFailed
	pl.p.Events = append(pl.p.Events, Event{Kind: EventDeploymentFailed, Service: pl.in.Name, Deployment: P.ID})
	if !cb.Rollback || P.Rollback {
		return
	}
	target := -1
	for i, d := range pl.deps {
		if d.RolloutState == ecs.RolloutCompleted && (target < 0 || d.CreatedAt.After(pl.deps[target].CreatedAt)) {
			target = i
		}
	}
	if target < 0 {
		pl.p.Waits = append(pl.p.Waits, fmt.Sprintf("deployment %s FAILED and no COMPLETED deployment to roll back to", P.ID))
		return
	}
	P.Status = ecs.DeploymentActive
	T := &pl.deps[target]
	T.Status, T.RolloutState, T.Rollback, T.FailedTasks = ecs.DeploymentPrimary, ecs.RolloutInProgress, true, 0
	pl.primary = target
	pl.p.Throttle = Throttle{DeploymentID: T.ID}
	pl.p.Events = append(pl.p.Events, Event{Kind: EventRollingBack, Service: pl.in.Name, Deployment: T.ID})
}

// finish writes each deployment's counts and state, completes the primary deployment
// once it has desiredCount healthy tasks and no other deployment has tasks (§5.7), and
// reports steady state (§5.9).
func (pl *planner) finish() {
	in, now, P := pl.in, pl.in.Now, pl.prim()
	type tally struct{ pending, running, healthy, stopping int }
	counts := map[string]*tally{}
	for _, d := range pl.deps {
		counts[d.ID] = &tally{}
	}
	busy := false // anything on its way in or out
	for _, t := range in.Tasks {
		c := counts[t.DeploymentID]
		switch {
		case c == nil || t.LastStatus == ecs.StatusStopped:
		case t.stopping() || pl.stopped[t.ARN]:
			c.stopping++
			busy = true
		case t.running():
			c.running++
			if t.healthy(now) {
				c.healthy++
			} else {
				busy = true
			}
		default:
			c.pending++
			busy = true
		}
	}
	counts[P.ID].pending += pl.started
	others := false
	for _, d := range pl.deps {
		if c := counts[d.ID]; d.ID != P.ID && c.pending+c.running+c.stopping > 0 {
			others = true
		}
	}
	pc := counts[P.ID]
	// A rollback completes in a later plan than the one that started it, so that its
	// IN_PROGRESS, and the FAILED deployment it replaces, can be seen (spec §5.7).
	rolledBack := P.ID != in.Deployments[pl.primary].ID || P.Status != in.Deployments[pl.primary].Status
	if P.RolloutState == ecs.RolloutInProgress && !others && pc.healthy >= in.DesiredCount && pl.started == 0 && !rolledBack {
		P.RolloutState = ecs.RolloutCompleted
		pl.p.Events = append(pl.p.Events, Event{Kind: EventDeploymentCompleted, Service: in.Name, Deployment: P.ID})
	}
	for i := range pl.deps {
		c := counts[pl.deps[i].ID]
		pl.update(i, c.pending, c.running, c.stopping)
	}
	lingering := false
	for i := range pl.deps {
		lingering = lingering || (i != pl.primary && pl.lingers(i))
	}
	pl.p.Steady = !busy && !others && !lingering && P.RolloutState != ecs.RolloutInProgress &&
		pl.started == 0 && len(pl.p.Stop) == 0 && pc.healthy == in.DesiredCount
	if pl.p.Steady {
		pl.p.Throttle = Throttle{DeploymentID: P.ID} // a steady service is no longer impaired (spec silent)
		if !in.Steady {
			pl.p.Events = append(pl.p.Events, Event{Kind: EventSteady, Service: in.Name})
		}
	}
}

// update records deployment i's new state in the plan when anything changed. An old
// deployment with no tasks left becomes INACTIVE.
func (pl *planner) update(i, pending, running, stopping int) {
	d, was := pl.deps[i], pl.in.Deployments[i]
	desired := pending + running
	if i == pl.primary {
		desired = pl.in.DesiredCount
	} else if desired+stopping == 0 && d.Status == ecs.DeploymentActive && !pl.lingers(i) {
		d.Status = ecs.DeploymentInactive
	}
	u := DeploymentUpdate{ID: d.ID, Status: d.Status, RolloutState: d.RolloutState, FailedTasks: d.FailedTasks,
		ReachedRunning: d.ReachedRunning, Rollback: d.Rollback, Desired: desired, Pending: pending, Running: running}
	switch {
	case d.RolloutState == was.RolloutState && d.Rollback == was.Rollback:
	case d.Rollback && d.RolloutState == ecs.RolloutInProgress:
		u.Reason = rollbackReason(d.ID)
	case d.RolloutState == ecs.RolloutInProgress:
		u.Reason = inProgressReason(d.ID)
	case d.RolloutState == ecs.RolloutCompleted:
		u.Reason = completedReason(d.ID)
	case d.RolloutState == ecs.RolloutFailed:
		u.Reason = failedReason
	}
	if u.Reason != "" || d.Status != was.Status || d.FailedTasks != was.FailedTasks || d.ReachedRunning != was.ReachedRunning ||
		desired != was.DesiredCount || pending != was.PendingCount || running != was.RunningCount {
		pl.p.Deployments = append(pl.p.Deployments, u)
	}
}
