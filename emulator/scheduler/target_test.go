package scheduler

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1"

func target(state string) func(*TaskView) {
	return func(t *TaskView) { t.TargetHealth, t.TargetGroup = state, tg }
}

// TestPlanLoadBalancedService: with a load balancer, the target group's health decides
// when a task counts and when it is replaced (spec §5.4, §5.5), and a stopped task that
// ran counts for the breaker's second stage.
func TestPlanLoadBalancedService(t *testing.T) {
	cases := []struct {
		name string
		in   ServiceView
		want string
	}{
		{"new targets still initial: old tasks stay",
			rolling(2, nil, nil, with(healthyTasks("o", d1, 2), target("healthy")), with(healthyTasks("n", d2, 2), target("initial"))),
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 2 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\n"},
		{"new targets healthy: old tasks go at once, no 40 s wait",
			rolling(2, nil, nil, with(healthyTasks("o", d1, 2), target("healthy")),
				with(with(healthyTasks("n", d2, 2), target("healthy")), func(t *TaskView) { t.StartedAt = t0 })),
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 2 failed 0\nstop o1: replaced by ecs-svc/2 (minimum healthy 2)\nstop o2: replaced by ecs-svc/2 (minimum healthy 2)\nevent: (service web) has stopped 2 running tasks: (task o1) (task o2).\n"},
		{"container health check must agree with the target",
			rolling(1, nil, nil, with(healthyTasks("o", d1, 1), target("healthy")),
				with(with(healthyTasks("n", d2, 1), target("healthy")), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNKNOWN" })),
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 1 pending 0 running 1 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 1 pending 0 running 1 failed 0\n"},
		{"unhealthy target: replacement first, with the ELB event",
			steady(1, with(healthyTasks("u", d1, 1), target("unhealthy"))),
			"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 1 running 1 failed 0\nstart 1 × ecs-svc/1 (web:1): desired 1, 0 healthy or starting\n"},
		{"unhealthy target stopped once the replacement is healthy",
			steady(1, with(healthyTasks("a", d1, 1), target("healthy")), with(healthyTasks("u", d1, 1), target("unhealthy"))),
			"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 0 running 1 failed 0\nstop u1: UNHEALTHY, replacement healthy\nevent: (service web) (task u1) is unhealthy in (target-group " + tg + ") due to (reason Health checks failed).\nevent: (service web) has stopped 1 running tasks: (task u1).\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlanService(tc.in).String(); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestUnhealthyTargetStopReason(t *testing.T) {
	in := steady(1, with(healthyTasks("a", d1, 1), target("healthy")), with(healthyTasks("u", d1, 1), target("unhealthy")))
	p := PlanService(in)
	if len(p.Stop) != 1 || p.Stop[0].Reason != "Task failed ELB health checks in (target-group "+tg+")" || !p.Stop[0].HealthCheck ||
		p.Stop[0].StopCode != ecs.StopServiceSchedulerInitiated {
		t.Fatalf("stops %+v", p.Stop)
	}
}

func TestReplacementEventSaysUnhealthy(t *testing.T) {
	p := PlanService(steady(2, healthyTasks("a", d1, 1), with(healthyTasks("u", d1, 1), target("unhealthy"))))
	if len(p.Start) != 1 || p.Start[0].Replaced != 1 {
		t.Fatalf("starts %+v", p.Start)
	}
	if got, want := (Event{Kind: EventStarted, Service: "web", Tasks: []string{"x"}, Replaced: p.Start[0].Replaced}).Message(), "(service web) has started 1 tasks: (task x). Amazon ECS replaced 1 tasks due to an unhealthy status."; got != want {
		t.Fatalf("event %q, want %q", got, want)
	}
}

// TestCrashAfterRunningCountsInStageTwo: a task that reached RUNNING and then lost an
// essential container counts against the breaker (stage 2), even when it was already
// STOPPED by the time the scheduler first saw it.
func TestCrashAfterRunningCountsInStageTwo(t *testing.T) {
	d := dep("ecs-svc/2", "web:2", ecs.DeploymentPrimary, ecs.RolloutInProgress)
	d.ReachedRunning = false
	crashed := with(healthyTasks("c", "ecs-svc/2", 1), func(t *TaskView) {
		t.LastStatus, t.DesiredStatus, t.FailedHealthCheck = ecs.StatusStopped, ecs.StatusStopped, true
	})
	in := ServiceView{Name: "web", DesiredCount: 1, Deployments: []DeploymentView{d}, Tasks: crashed, Now: t0,
		CircuitBreaker: ecs.DeploymentCircuitBreaker{Enable: true}}
	p := PlanService(in)
	if len(p.Deployments) != 1 || p.Deployments[0].FailedTasks != 1 || !p.Deployments[0].ReachedRunning {
		t.Fatalf("deployments %+v", p.Deployments)
	}
}

// TestWake: a plan says when time alone will change it.
func TestWake(t *testing.T) {
	in := steady(1, with(healthyTasks("a", d1, 1), func(t *TaskView) { t.StartedAt = t0.Add(-10e9) }))
	if got := PlanService(in).Wake; !got.Equal(t0.Add(30e9)) {
		t.Fatalf("wake %v, want 30 s from now (40 s after RUNNING)", got)
	}
	if got := PlanService(steady(1, with(healthyTasks("a", d1, 1), target("healthy")))).Wake; !got.IsZero() {
		t.Fatalf("a steady load-balanced service wakes at %v", got)
	}
}
