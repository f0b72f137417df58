package scheduler

import (
	"strings"
	"testing"
	"time"
)

// apply carries a plan's deployment changes and accounting into the view, as the
// executor does, and moves the clock to at.
func apply(v ServiceView, p Plan, at time.Time) ServiceView {
	for _, u := range p.Deployments {
		for i := range v.Deployments {
			d := &v.Deployments[i]
			if d.ID == u.ID {
				d.Status, d.RolloutState, d.FailedTasks, d.ReachedRunning, d.Rollback = u.Status, u.RolloutState, u.FailedTasks, u.ReachedRunning, u.Rollback
				d.DesiredCount, d.PendingCount, d.RunningCount, d.UpdatedAt = u.Desired, u.Pending, u.Running, v.Now
			}
		}
	}
	forgotten := map[string]bool{}
	for _, f := range p.Forget {
		forgotten[f] = true
	}
	var kept []TaskView
	for _, t := range v.Tasks {
		if !forgotten[t.ARN] {
			kept = append(kept, t)
		}
	}
	v.Tasks, v.Throttle, v.Steady, v.Now = kept, p.Throttle, p.Steady, at
	return v
}

// TestRollbackIsVisible: after the breaker trips, the rolled-back deployment is
// IN_PROGRESS for at least one plan and the FAILED one stays listed for failedLinger,
// so a client polling DescribeServices sees both (spec §5.7); then the service settles.
func TestRollbackIsVisible(t *testing.T) {
	v := breaking(true, true)
	p1 := PlanService(v)
	if !strings.Contains(p1.String(), "deployment ecs-svc/1 PRIMARY IN_PROGRESS") || !strings.Contains(p1.String(), "deployment ecs-svc/2 ACTIVE FAILED") || p1.Steady {
		t.Fatalf("trip plan:\n%s", p1)
	}
	v = apply(v, p1, p1.Wake)
	p2 := PlanService(v)
	want2 := "deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0: ECS deployment ecs-svc/1 completed.\nevent: (service web) (deployment ecs-svc/1) deployment completed.\nwake at 12:00:30\n"
	if got := p2.String(); got != want2 {
		t.Fatalf("plan a second later:\n%s\nwant:\n%s", got, want2)
	}
	v = apply(v, p2, p2.Wake)
	want3 := "deployment ecs-svc/2 INACTIVE FAILED desired 0 pending 0 running 0 failed 3\nevent: (service web) has reached a steady state.\nsteady\n"
	if got := PlanService(v).String(); got != want3 {
		t.Fatalf("plan once the failed deployment has lingered:\n%s\nwant:\n%s", got, want3)
	}
}
