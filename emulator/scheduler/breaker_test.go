package scheduler

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestBreakerThreshold(t *testing.T) {
	for desired, want := range map[int]int{0: 3, 1: 3, 6: 3, 7: 4, 25: 13, 400: 200, 800: 200} {
		if got := BreakerThreshold(desired); got != want {
			t.Errorf("BreakerThreshold(%d) = %d, want %d", desired, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{0, 0, 0, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 16 * time.Minute, 27 * time.Minute, 27 * time.Minute}
	for n, w := range want {
		if got := Backoff(n); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", n, got, w)
		}
	}
}

// breaking is d2 (new, never RUNNING) failing 3 tasks at once over a COMPLETED d1.
func breaking(enable, rollback bool) ServiceView {
	v := rolling(2, nil, nil, healthyTasks("o", d1, 2), failed("f", d2, 3))
	v.Deployments[0].ReachedRunning = false
	v.CircuitBreaker = ecs.DeploymentCircuitBreaker{Enable: enable, Rollback: rollback}
	v.Throttle = Throttle{DeploymentID: d2}
	return v
}

// failureCases are the breaker and back-off rules' plans.
func failureCases() []planCase {
	noCompleted := breaking(true, true)
	noCompleted.Deployments[1].RolloutState = ecs.RolloutInProgress
	throttled := breaking(false, false)
	throttled.Throttle = Throttle{DeploymentID: d2, Failures: 3, NextAttempt: t0.Add(30 * time.Second)}
	throttled.Tasks = throttled.Tasks[:2]
	newDeployment := throttled
	newDeployment.Throttle.DeploymentID = d1
	grows := breaking(false, false)
	grows.Throttle.Failures = 5
	healthFail := rolling(2, nil, nil, healthyTasks("o", d1, 2), healthyTasks("n", d2, 1),
		with(failed("h", d2, 1), func(t *TaskView) { t.FailedToStart, t.FailedHealthCheck = false, true }))
	healthFail.CircuitBreaker.Enable = true
	healthFail.Deployments[0].FailedTasks = 2

	return []planCase{
		{"breaker off: failures counted, launches throttled (§5.8)", breaking(false, false),
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 0 failed 3\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nforget f1\nforget f2\nforget f3\nwait: launch throttled until 12:00:30 after 3 tasks failed to start\nevent: (service web) is unable to consistently start tasks successfully.\nwake at 12:00:30\n"},
		{"breaker trips without rollback: FAILED, no launches (§5.7)", breaking(true, false),
			"deployment ecs-svc/2 PRIMARY FAILED desired 2 pending 0 running 0 failed 3: ECS deployment circuit breaker: tasks failed to start.\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nforget f1\nforget f2\nforget f3\nwait: deployment ecs-svc/2 FAILED: it launches no new tasks\nevent: (service web) is unable to consistently start tasks successfully.\nevent: (service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.\n"},
		{"breaker trips with rollback to the COMPLETED deployment (§5.7)", breaking(true, true),
			"deployment ecs-svc/2 ACTIVE FAILED desired 0 pending 0 running 0 failed 3: ECS deployment circuit breaker: tasks failed to start.\ndeployment ecs-svc/1 PRIMARY IN_PROGRESS desired 2 pending 0 running 2 failed 0: ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.\nforget f1\nforget f2\nforget f3\nevent: (service web) is unable to consistently start tasks successfully.\nevent: (service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.\nevent: (service web) rolling back to deployment ecs-svc/1.\nwake at 12:00:01\n"},
		{"breaker with no COMPLETED deployment halts (§5.7)", noCompleted,
			"deployment ecs-svc/2 PRIMARY FAILED desired 2 pending 0 running 0 failed 3: ECS deployment circuit breaker: tasks failed to start.\ndeployment ecs-svc/1 ACTIVE IN_PROGRESS desired 2 pending 0 running 2 failed 0\nforget f1\nforget f2\nforget f3\nwait: deployment ecs-svc/2 FAILED and no COMPLETED deployment to roll back to\nwait: deployment ecs-svc/2 FAILED: it launches no new tasks\nevent: (service web) is unable to consistently start tasks successfully.\nevent: (service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.\n"},
		{"stage 2 counts health-check replacements (§5.7)", healthFail,
			"deployment ecs-svc/2 PRIMARY FAILED desired 2 pending 0 running 1 failed 3: ECS deployment circuit breaker: tasks failed to start.\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nforget h1\nwait: deployment ecs-svc/2 FAILED: it launches no new tasks\nevent: (service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.\n"},
		{"throttled launches wait for next attempt (§5.8)", throttled,
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nwait: launch throttled until 12:00:30 after 3 tasks failed to start\nwake at 12:00:30\n"},
		{"back-off grows with further failures (§5.8)", grows,
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 0 running 0 failed 3\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nforget f1\nforget f2\nforget f3\nwait: launch throttled until 12:16:00 after 8 tasks failed to start\nwake at 12:16:00\n"},
		{"a new deployment resets the back-off (§5.8)", newDeployment,
			"deployment ecs-svc/2 PRIMARY IN_PROGRESS desired 2 pending 2 running 0 failed 0\ndeployment ecs-svc/1 ACTIVE COMPLETED desired 2 pending 0 running 2 failed 0\nstart 2 × ecs-svc/2 (web:2): desired 2, 0 healthy or starting\n"},
	}
}

func TestPlanServiceFailures(t *testing.T) {
	for _, tt := range failureCases() {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlanService(tt.in).String(); got != tt.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
