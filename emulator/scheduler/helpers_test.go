package scheduler

import (
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func pct(n int) *int { return &n }

// dep builds a deployment; counts are left zero so plans report them.
func dep(id, td, status, rollout string) DeploymentView {
	return DeploymentView{ID: id, TaskDefinition: td, Status: status, RolloutState: rollout, ReachedRunning: true}
}

// healthyTasks are n RUNNING tasks of deployment d, running for a minute, no health checks.
func healthyTasks(prefix, d string, n int) []TaskView {
	var ts []TaskView
	for i := range n {
		ts = append(ts, TaskView{ARN: fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:task/c/%s%d", prefix, i+1),
			DeploymentID: d, LastStatus: ecs.StatusRunning, DesiredStatus: ecs.StatusRunning,
			Health: "UNKNOWN", StartedAt: t0.Add(-time.Minute)})
	}
	return ts
}

func pending(prefix, d string, n int) []TaskView {
	ts := healthyTasks(prefix, d, n)
	for i := range ts {
		ts[i].LastStatus, ts[i].StartedAt = ecs.StatusPending, time.Time{}
	}
	return ts
}

func failed(prefix, d string, n int) []TaskView {
	ts := pending(prefix, d, n)
	for i := range ts {
		ts[i].LastStatus, ts[i].DesiredStatus, ts[i].FailedToStart = ecs.StatusStopped, ecs.StatusStopped, true
	}
	return ts
}

func with(ts []TaskView, f func(*TaskView)) []TaskView {
	for i := range ts {
		f(&ts[i])
	}
	return ts
}

func cat(ts ...[]TaskView) []TaskView {
	var all []TaskView
	for _, t := range ts {
		all = append(all, t...)
	}
	return all
}
