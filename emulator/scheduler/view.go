package scheduler

import (
	"math"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ServiceView is what PlanService knows of one REPLICA service (ECS controller).
type ServiceView struct {
	Name         string
	DesiredCount int
	// MinimumHealthyPercent and MaximumPercent are as given by the user; nil means
	// ECS's REPLICA default, 100 and 200 (spec §5.4).
	MinimumHealthyPercent *int
	MaximumPercent        *int
	CircuitBreaker        ecs.DeploymentCircuitBreaker
	// HealthCheckGracePeriod is healthCheckGracePeriodSeconds (spec §5.6).
	HealthCheckGracePeriod time.Duration
	// Deployments holds every deployment the store still keeps, including finished
	// ones, because a rollback needs the last COMPLETED one (spec §5.7). Exactly one
	// has status PRIMARY.
	Deployments []DeploymentView
	// Tasks are the service's tasks. A STOPPED task appears in one plan only: the plan
	// accounts for it (breaker, back-off) and lists it in Forget.
	Tasks    []TaskView
	Throttle Throttle
	// Steady is the previous plan's Steady, so the steady-state event is written once
	// per arrival rather than on every tick.
	Steady bool
	Now    time.Time
	// HoldOld keeps the old deployments' tasks while a BLUE_GREEN, LINEAR or CANARY
	// deployment shifts traffic (package strategy): the new deployment starts at full
	// size beside them, and healthy old tasks are stopped only once HoldOld is false.
	HoldOld bool
}

// DeploymentView is one deployment of the service.
type DeploymentView struct {
	ID             string
	TaskDefinition string
	Status         string // ecs.DeploymentPrimary, ...
	RolloutState   string // ecs.RolloutInProgress, ...
	CreatedAt      time.Time
	// UpdatedAt is when the deployment last changed; a FAILED deployment stays listed
	// for failedLinger after it.
	UpdatedAt time.Time
	// FailedTasks is the circuit breaker's counter (spec §5.7), shown as failedTasks.
	FailedTasks int
	// ReachedRunning is set once a task of this deployment reached RUNNING: the
	// breaker then counts health-check replacements instead of launch failures.
	ReachedRunning bool
	// Rollback marks a deployment the breaker brought back; a failing rollback does
	// not roll back again.
	Rollback bool
	// Counts as last written, so the plan reports only changes.
	DesiredCount, PendingCount, RunningCount int
}

// TaskView is one task of the service.
type TaskView struct {
	ARN          string
	DeploymentID string // the task's startedBy
	LastStatus   ecs.TaskStatus
	// DesiredStatus STOPPED with a LastStatus short of STOPPED is a task being stopped;
	// it still counts against maximumPercent (spec §5.4).
	DesiredStatus ecs.TaskStatus
	Health        string // HEALTHY, UNHEALTHY or UNKNOWN (ecs.TaskHealth)
	// HasHealthCheck says an essential container has a health check, which decides how
	// the task counts as healthy (spec §5.4).
	HasHealthCheck bool
	StartedAt      time.Time // when it reached RUNNING; zero if it has not
	ProtectedUntil time.Time // scale-in protection expiry; zero if unprotected (§5.11)
	// FailedToStart marks a STOPPED task that never reached RUNNING (spec §5.7 stage 1,
	// §5.8); FailedHealthCheck one the scheduler replaced for failing health checks
	// (§5.7 stage 2).
	FailedToStart     bool
	FailedHealthCheck bool
	// TargetHealth is the task's state in its load balancer's target group ("initial",
	// "healthy", "unhealthy", "draining"); empty when the service has no load balancer.
	// TargetGroup names that group for stop reasons.
	TargetHealth string
	TargetGroup  string
	// RetireAt is when Fargate retires the task (tasks spec §3.7); from then on the
	// scheduler replaces it make-before-break, as in a deployment. Zero: not scheduled.
	RetireAt time.Time
	// InstanceDraining says the task's container instance is DRAINING: the scheduler
	// moves it elsewhere as it would retire it (spec §3.5).
	InstanceDraining bool
	// ScaleInOrder ranks the task for scale-in as its placement strategy says (spec
	// §4.3): lower goes first; 0 means unranked (no simulated instance).
	ScaleInOrder int
}

// retiring says the task's retirement date has come, or its instance drains.
func (t TaskView) retiring(now time.Time) bool {
	return t.InstanceDraining || (!t.RetireAt.IsZero() && !now.Before(t.RetireAt))
}

// healthyAfterRunning is how long a task without essential-container health checks
// must be RUNNING before it counts as healthy (spec §5.4, L60240-60262).
const healthyAfterRunning = 40 * time.Second

func (t TaskView) live() bool {
	return t.DesiredStatus == ecs.StatusRunning && t.LastStatus < ecs.StatusStopped
}

func (t TaskView) stopping() bool {
	return t.DesiredStatus != ecs.StatusRunning && t.LastStatus < ecs.StatusStopped
}

// Healthy reports whether the task is RUNNING and passes its health checks (as the
// planner counts it), for the deployment strategies' readiness.
func (t TaskView) Healthy(now time.Time) bool { return t.healthy(now) }

func (t TaskView) running() bool { return t.live() && t.LastStatus == ecs.StatusRunning }

// healthy says the task counts towards minimumHealthyPercent (spec §5.4): with a load
// balancer its target must be healthy, and container health checks, where defined,
// HEALTHY; without either, it counts 40 s after reaching RUNNING.
func (t TaskView) healthy(now time.Time) bool {
	switch {
	case !t.running():
		return false
	case t.TargetHealth != "" && t.TargetHealth != targetHealthy:
		return false
	case t.HasHealthCheck:
		return t.Health == "HEALTHY"
	case t.TargetHealth == targetHealthy:
		return true
	}
	return !now.Before(t.StartedAt.Add(healthyAfterRunning))
}

// targetHealthy and targetUnhealthy are the target group states the planner acts on.
const (
	targetHealthy   = "healthy"
	targetUnhealthy = "unhealthy"
)

// unhealthy says the scheduler must replace the task: its containers or its load
// balancer target report unhealthy and it is past the service's health check grace
// period (spec §5.5, §5.6).
func (t TaskView) unhealthy(now time.Time, grace time.Duration) bool {
	return t.running() && (t.Health == "UNHEALTHY" || t.TargetHealth == targetUnhealthy) &&
		!now.Before(t.StartedAt.Add(grace))
}

// unhealthyReason is the stoppedReason ECS gives a task replaced for failed health checks.
func (t TaskView) unhealthyReason() string {
	if t.Health != "UNHEALTHY" && t.TargetHealth == targetUnhealthy {
		return "Task failed ELB health checks in (target-group " + t.TargetGroup + ")"
	}
	return unhealthyReason
}

func (t TaskView) protected(now time.Time) bool { return now.Before(t.ProtectedUntil) }

// Bounds are a deployment's task bounds for the current desired count (spec §5.4).
type Bounds struct {
	MinHealthy int // ceil(desired × min%), rounded up
	MaxTasks   int // floor(desired × max%), rounded down
}

// BoundsOf applies ECS's REPLICA defaults and rounding.
func BoundsOf(desired int, minPct, maxPct *int) Bounds {
	lo, hi := 100, 200
	if minPct != nil {
		lo = *minPct
	}
	if maxPct != nil {
		hi = *maxPct
	}
	return Bounds{
		MinHealthy: int(math.Ceil(float64(desired*lo) / 100)),
		MaxTasks:   desired * hi / 100,
	}
}

// BreakerThreshold is the circuit breaker's failure threshold: half the desired count,
// rounded up, clamped to 3..200 (spec §5.7).
func BreakerThreshold(desired int) int {
	return min(max((desired+1)/2, 3), 200)
}
