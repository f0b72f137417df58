package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const (
	d1 = "ecs-svc/1"
	d2 = "ecs-svc/2"
)

// rolling is a service mid-deployment from web:1 (d1, COMPLETED) to web:2 (d2).
func rolling(desired int, minPct, maxPct *int, tasks ...[]TaskView) ServiceView {
	return ServiceView{Name: "web", DesiredCount: desired, MinimumHealthyPercent: minPct, MaximumPercent: maxPct, Now: t0,
		Deployments: []DeploymentView{
			dep(d2, "web:2", ecs.DeploymentPrimary, ecs.RolloutInProgress),
			dep(d1, "web:1", ecs.DeploymentActive, ecs.RolloutCompleted),
		}, Tasks: cat(tasks...)}
}

func steady(desired int, tasks ...[]TaskView) ServiceView {
	return ServiceView{Name: "web", DesiredCount: desired, Now: t0, Steady: true,
		Deployments: []DeploymentView{dep(d1, "web:1", ecs.DeploymentPrimary, ecs.RolloutCompleted)},
		Tasks:       cat(tasks...)}
}

// planCase is one planner rule: a view and the plan it must print.
type planCase struct {
	name string
	in   ServiceView
	want string
}

var planTests = []planCase{
	{"new service starts desiredCount (§5.3)", ServiceView{Name: "web", DesiredCount: 3, Now: t0,
		Deployments: []DeploymentView{{ID: d1, TaskDefinition: "web:1", Status: ecs.DeploymentPrimary, RolloutState: ecs.RolloutInProgress}}},
		"deployment ecs-svc/1 PRIMARY IN_PROGRESS desired 3 pending 3 running 0 failed 0\nstart 3 × ecs-svc/1 (web:1): desired 3, 0 healthy or starting\n"},
	{"steady service does nothing", steady(2, healthyTasks("a", d1, 2)),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nsteady\n"},
	{"steady reached after 40 s without health checks (§5.4)", func() ServiceView {
		v := steady(2, healthyTasks("a", d1, 2))
		v.Steady = false
		return v
	}(),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nevent: (service web) has reached a steady state.\nsteady\n"},
	{"not yet healthy 30 s after RUNNING", func() ServiceView {
		v := steady(2, with(healthyTasks("a", d1, 2), func(t *TaskView) { t.StartedAt = t0.Add(-30 * time.Second) }))
		v.Steady = false
		return v
	}(),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nwake at 12:00:10\n"},
	{"stopped task replaced (§5.3)", steady(2, healthyTasks("a", d1, 1),
		with(healthyTasks("b", d1, 1), func(t *TaskView) { t.LastStatus, t.DesiredStatus = ecs.StatusStopped, ecs.StatusStopped })),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 1 running 1 failed 0\nstart 1 × ecs-svc/1 (web:1): desired 2, 1 healthy or starting\nforget b1\n"},
	{"scale out", steady(4, healthyTasks("a", d1, 2)),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 4 pending 2 running 2 failed 0\nstart 2 × ecs-svc/1 (web:1): desired 4, 2 healthy or starting\n"},
	{"scale in stops pending first, then newest", steady(1, healthyTasks("a", d1, 2), pending("p", d1, 1)),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 0 running 1 failed 0\nstop p1: scale-in: desired 1, 3 running or pending\nstop a1: scale-in: desired 1, 3 running or pending\nevent: (service web) has stopped 2 running tasks: (task p1) (task a1).\n"},
	{"scale in follows the placement strategy's ranking before age (§4.3)", steady(2,
		with(healthyTasks("a", d1, 3), func(t *TaskView) {
			if strings.HasSuffix(t.ARN, "/a1") {
				t.ScaleInOrder, t.StartedAt = 1, t0.Add(-time.Hour) // the oldest, yet the strategy's pick
			}
		})),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nstop a1: scale-in: desired 2, 3 running or pending\nevent: (service web) has stopped 1 running tasks: (task a1).\n"},
	{"protection blocks scale-in (§5.11)", steady(1, with(healthyTasks("a", d1, 3), func(t *TaskView) { t.ProtectedUntil = t0.Add(time.Hour) })),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 0 running 3 failed 0\nwait: 2 protected tasks block scale-in\nevent: service web was unable to reach steady state because task set ecs-svc/1 was unable to scale in. Reason: The number of protected tasks are more than the desired count of tasks.\nwake at 13:00:00\n"},
	{"expired protection does not", steady(1, with(healthyTasks("a", d1, 2), func(t *TaskView) { t.ProtectedUntil = t0.Add(-time.Second) })),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 0 running 1 failed 0\nstop a1: scale-in: desired 1, 2 running or pending\nevent: (service web) has stopped 1 running tasks: (task a1).\n"},
	{"unhealthy: replacement first when maximumPercent allows (§5.5)", steady(2, healthyTasks("a", d1, 1),
		with(healthyTasks("u", d1, 1), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNHEALTHY" })),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 1 running 2 failed 0\nstart 1 × ecs-svc/1 (web:1): desired 2, 1 healthy or starting\n"},
	{"unhealthy: stopped once the replacement is healthy (§5.5)", steady(2, healthyTasks("a", d1, 2),
		with(healthyTasks("u", d1, 1), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNHEALTHY" })),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0\nstop u1: UNHEALTHY, replacement healthy\nevent: (service web) (task u1) failed container health checks.\nevent: (service web) has stopped 1 running tasks: (task u1).\n"},
	{"unhealthy: maximumPercent 100 stops it first (§5.5 3)", func() ServiceView {
		v := steady(2, healthyTasks("a", d1, 1), with(healthyTasks("u", d1, 1), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNHEALTHY" }))
		v.MaximumPercent, v.MinimumHealthyPercent = pct(100), pct(50)
		return v
	}(),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 2 pending 0 running 1 failed 0\nstop u1: UNHEALTHY, maximumPercent leaves no room for a replacement\nevent: (service web) (task u1) failed container health checks.\nevent: (service web) has stopped 1 running tasks: (task u1).\n"},
	{"unhealthy inside the grace period is kept (§5.6)", func() ServiceView {
		v := steady(1, with(healthyTasks("u", d1, 1), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNHEALTHY" }))
		v.HealthCheckGracePeriod = 2 * time.Minute
		return v
	}(),
		"deployment ecs-svc/1 PRIMARY COMPLETED desired 1 pending 0 running 1 failed 0\nwake at 12:01:00\n"},
	{"rolling 100/200: start all new, stop nothing (§5.4)", rolling(4, nil, nil, healthyTasks("o", d1, 4)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 4 pending 4 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 4 pending 0 running 4 failed 0\nstart 4 × ecs-svc/2 (web:2): desired 4, 0 healthy or starting\n"},
	{"rolling 100/200: stop old as new become healthy", rolling(4, nil, nil, healthyTasks("o", d1, 4), healthyTasks("n", d2, 2), pending("p", d2, 2)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 4 pending 2 running 2 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nstop o1: replaced by ecs-svc/2 (minimum healthy 4)\nstop o2: replaced by ecs-svc/2 (minimum healthy 4)\nevent: (service web) has stopped 2 running tasks: (task o1) (task o2).\n"},
	{"rolling 100/200: new tasks count only with HEALTHY health checks", rolling(2, nil, nil, healthyTasks("o", d1, 2),
		with(healthyTasks("n", d2, 2), func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNKNOWN" })),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 2 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\n"},
	{"rolling 50/200: stop half the old at once", rolling(4, pct(50), nil, healthyTasks("o", d1, 4)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 4 pending 4 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nstop o1: replaced by ecs-svc/2 (minimum healthy 2)\nstop o2: replaced by ecs-svc/2 (minimum healthy 2)\nstart 4 × ecs-svc/2 (web:2): desired 4, 0 healthy or starting\nevent: (service web) has stopped 2 running tasks: (task o1) (task o2).\n"},
	{"rolling 0/100: stop all old, start none", rolling(3, pct(0), pct(100), healthyTasks("o", d1, 3)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 3 pending 0 running 0 failed 0\nstop o1: replaced by ecs-svc/2 (minimum healthy 0)\nstop o2: replaced by ecs-svc/2 (minimum healthy 0)\nstop o3: replaced by ecs-svc/2 (minimum healthy 0)\nevent: (service web) has stopped 3 running tasks: (task o1) (task o2) (task o3).\n"},
	{"rolling 0/100: start once old are gone", rolling(3, pct(0), pct(100), with(healthyTasks("o", d1, 3), func(t *TaskView) { t.LastStatus, t.DesiredStatus = ecs.StatusStopped, ecs.StatusStopped })),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 3 pending 3 running 0 failed 0\ndeployment ecs-svc/1 INACTIVE COMPLETED desired 0 pending 0 running 0 failed 0\nstart 3 × ecs-svc/2 (web:2): desired 3, 0 healthy or starting\nforget o1\nforget o2\nforget o3\n"},
	{"rolling 100/100: stalls (§5.4)", rolling(3, pct(100), pct(100), healthyTasks("o", d1, 3)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 3 pending 0 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 3 pending 0 running 3 failed 0\nwait: deployment stalled: minimum healthy 3, maximum 3 tasks\nevent: service web was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.\n"},
	{"rolling 75/125 desired 3: rounding leaves no room (§5.4)", rolling(3, pct(75), pct(125), healthyTasks("o", d1, 3)),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 3 pending 0 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 3 pending 0 running 3 failed 0\nwait: deployment stalled: minimum healthy 3, maximum 3 tasks\nevent: service web was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.\n"},
	{"rolling: protected old task stays (§5.11)", rolling(2, nil, nil, healthyTasks("n", d2, 2),
		with(healthyTasks("o", d1, 2), func(t *TaskView) { t.ProtectedUntil = t0.Add(time.Minute) })),
		"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 2 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nwake at 12:01:00\n"},
	{"rolling completes when old tasks are gone (§5.7)", rolling(2, nil, nil, healthyTasks("n", d2, 2)),
		"deployment ecs-svc/2 PRIMARY COMPLETED desired 2 pending 0 running 2 failed 0: ECS deployment ecs-svc/2 completed.\ndeployment ecs-svc/1 INACTIVE COMPLETED desired 0 pending 0 running 0 failed 0\nevent: (service web) (deployment ecs-svc/2) deployment completed.\nevent: (service web) has reached a steady state.\nsteady\n"},
}

func TestPlanService(t *testing.T) {
	for _, tt := range planTests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanService(tt.in).String()
			if got != tt.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestNoRoomStopsTheOldestUnhealthyTask: when maximumPercent leaves no room and both the
// unhealthy task and its replacement turn unhealthy, the one that has been running the
// longest goes, whatever the task IDs: stopping the newer one each time would replace
// replacements forever while the first unhealthy task kept running.
func TestNoRoomStopsTheOldestUnhealthyTask(t *testing.T) {
	unhealthy := func(t *TaskView) { t.HasHealthCheck, t.Health = true, "UNHEALTHY" }
	old := with(healthyTasks("z", d1, 1), unhealthy) // sorts after the replacement's ID
	replacement := with(healthyTasks("a", d1, 1), func(t *TaskView) { unhealthy(t); t.StartedAt = t0.Add(-10 * time.Second) })
	v := steady(1, replacement, old)
	want := "stop z1: UNHEALTHY, maximumPercent leaves no room for a replacement\n"
	if got := PlanService(v).String(); !strings.Contains(got, want) {
		t.Errorf("plan:\n%s\nwant it to contain:\n%s", got, want)
	}
}
