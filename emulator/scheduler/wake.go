package scheduler

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// wake finds the earliest future moment at which a rule that reads the clock flips for
// this service (Plan.Wake).
func (pl *planner) wake() {
	in, now := pl.in, pl.in.Now
	var next time.Time
	at := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, t := range in.Tasks {
		if !t.running() {
			continue
		}
		if !t.HasHealthCheck && t.TargetHealth == "" {
			at(t.StartedAt.Add(healthyAfterRunning))
		}
		if t.Health == "UNHEALTHY" || t.TargetHealth == targetUnhealthy {
			at(t.StartedAt.Add(in.HealthCheckGracePeriod))
		}
		at(t.ProtectedUntil)
		at(t.RetireAt)
	}
	if pl.prim().RolloutState != ecs.RolloutFailed { // a FAILED deployment launches nothing
		at(pl.p.Throttle.NextAttempt)
	}
	for i := range pl.deps {
		if pl.lingers(i) {
			at(pl.failedSince(i).Add(failedLinger))
		}
	}
	if pl.rolledBack() {
		at(now.Add(time.Second)) // complete the rollback in a later plan
	}
	pl.p.Wake = next
}

// failedLinger is how long a FAILED deployment without tasks stays listed (ACTIVE)
// after it failed, so that clients polling DescribeServices see the failure and its
// rolloutStateReason; on ECS it stays while its tasks drain. ecsmini's choice.
const failedLinger = 30 * time.Second

// lingers says deployment i is a FAILED, no longer PRIMARY deployment that stays
// listed a while yet.
func (pl *planner) lingers(i int) bool {
	d := pl.deps[i]
	return d.Status == ecs.DeploymentActive && d.RolloutState == ecs.RolloutFailed &&
		pl.in.Now.Before(pl.failedSince(i).Add(failedLinger))
}

// failedSince is when deployment i failed: now if in this plan.
func (pl *planner) failedSince(i int) time.Time {
	if was := pl.in.Deployments[i]; was.RolloutState == ecs.RolloutFailed {
		return was.UpdatedAt
	}
	return pl.in.Now
}

// rolledBack says this plan made another deployment PRIMARY.
func (pl *planner) rolledBack() bool {
	return pl.in.Deployments[pl.primary].Status != ecs.DeploymentPrimary
}
