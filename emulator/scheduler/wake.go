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
	}
	if pl.prim().RolloutState != ecs.RolloutFailed { // a FAILED deployment launches nothing
		at(pl.p.Throttle.NextAttempt)
	}
	pl.p.Wake = next
}
