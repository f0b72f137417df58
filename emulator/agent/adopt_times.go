package agent

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// settle looks, on an adopted task's first step, at whether it already ended while
// ecsmini was not running: it is to stop (or was stopping) and none of its containers
// runs. Then it stopped when its last container finished, and deprovision records that
// time rather than the time ecsmini noticed.
func (r *runner) settle(task *ecs.Task, in Task, plan Plan) {
	if r.adopted == nil || r.looked {
		return
	}
	r.looked = true
	if plan.Stop == nil && task.DesiredStatus != ecs.StatusStopped {
		return
	}
	var last time.Time
	for _, c := range in.Containers {
		st := c.Observed
		if st == nil {
			continue
		}
		if st.Status == containers.Running {
			return
		}
		if st.Status == containers.Exited && st.FinishedAt.After(last) {
			last = st.FinishedAt
		}
	}
	if last.IsZero() {
		return
	}
	floor := task.StoppingAt
	if floor == nil {
		floor = task.StartedAt
	}
	r.settledAt = r.runtimeTime(last, floor, in.Now)
}

// stopTime is when a task the plan stops stopped: now, except for an adopted task whose
// essential container exited while ecsmini was not running, which stopped when that
// container exited (ECS sets executionStoppedAt as an essential container stops).
func (r *runner) stopTime(task *ecs.Task, in Task, plan Plan) time.Time {
	if r.adopted == nil || plan.Stop.Code != ecs.StopEssentialContainerExited {
		return in.Now
	}
	var first time.Time
	for _, c := range in.Containers {
		st := c.Observed
		if !c.Essential || st == nil || st.Status != containers.Exited || st.FinishedAt.IsZero() {
			continue
		}
		if first.IsZero() || st.FinishedAt.Before(first) {
			first = st.FinishedAt
		}
	}
	if first.IsZero() {
		return in.Now
	}
	return r.runtimeTime(first, task.StartedAt, in.Now)
}

// runtimeTime maps a time the runtime reported onto the agent's clock, kept between
// floor (nil: none) and now so that the task's timestamps stay in order.
func (r *runner) runtimeTime(t time.Time, floor *ecs.Timestamp, now time.Time) time.Time {
	if r.a.cfg.RuntimeTime != nil {
		t = r.a.cfg.RuntimeTime(t)
	}
	if floor != nil && t.Before(floor.Time) {
		t = floor.Time
	}
	if t.After(now) {
		t = now
	}
	return t
}
