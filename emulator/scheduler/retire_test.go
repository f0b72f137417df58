package scheduler

import (
	"testing"
	"time"
)

// TestPlanRetirement: on its retirement date a service task is replaced make-before-break
// within minimumHealthyPercent, like a deployment (tasks spec §3.7); before it, nothing
// happens but a wake-up at the date.
func TestPlanRetirement(t *testing.T) {
	retireAt := t0.Add(time.Hour)
	retired := func(at time.Time) func(*TaskView) { return func(t *TaskView) { t.RetireAt = at } }
	cases := []struct {
		name string
		in   ServiceView
		want string
	}{
		{"scheduled: nothing yet, wake at the date",
			steady(2, with(healthyTasks("a", d1, 2), retired(retireAt))),
			"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nsteady\nwake at 13:00:00\n"},
		{"due: replacements start first (minimum healthy 100 %)",
			steady(2, with(healthyTasks("a", d1, 2), retired(t0))),
			"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 2 running 2 failed 0\nstart 2 × ecs-svc/1 (web:1): desired 2, 0 healthy or starting\n"},
		{"replacements healthy: the retired tasks stop",
			steady(2, with(healthyTasks("a", d1, 2), retired(t0)), healthyTasks("n", d1, 2)),
			"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nstop a1: retired, replaced (minimum healthy 2)\nstop a2: retired, replaced (minimum healthy 2)\nevent: (service web) has stopped 2 running tasks: (task a1) (task a2).\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlanService(tc.in).String(); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
	p := PlanService(steady(2, with(healthyTasks("a", d1, 2), retired(t0)), healthyTasks("n", d1, 2)))
	if len(p.Stop) != 2 || p.Stop[0].Reason != "ECS is performing maintenance on the underlying infrastructure hosting the task" {
		t.Fatalf("stops %+v", p.Stop)
	}
}
