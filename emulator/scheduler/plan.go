package scheduler

import (
	"fmt"
	"strings"
	"time"
)

// Plan is what the service needs now. The executor carries it out in order: deployment
// updates, stops, starts; it decides nothing.
type Plan struct {
	Deployments []DeploymentUpdate
	Stop        []StopStep
	Start       []StartStep
	// Placements are the start steps admitted against the cluster, one per task in
	// order (filled in by the services reconciler, not the planner: see Placement).
	Placements []Placement
	// Forget lists STOPPED tasks this plan accounted for; the executor drops them from
	// the service so they are not counted twice.
	Forget []string
	// Waits say why the plan holds back (throttled launches, a stalled deployment).
	Waits []string
	// Events are the service events of the plan (spec §5.9), oldest first. Start events
	// need the new task IDs, so the executor writes those (EventStarted) once it has
	// created the tasks.
	Events   []Event
	Throttle Throttle
	Steady   bool
	// Wake is the next time at which the passing of time alone can change the plan (a
	// task turning healthy 40 s after RUNNING, a grace period or protection ending, a
	// launch back-off expiring); zero when nothing waits on the clock. The control loop
	// plans the service again then, so it never has to re-plan unchanged services.
	Wake time.Time
}

// StartStep starts Count tasks of a deployment (startedBy = the deployment id,
// group = service:NAME).
type StartStep struct {
	DeploymentID   string
	TaskDefinition string
	Count          int
	// Replaced is how many of the new tasks replace unhealthy ones, which ECS says in
	// the started event.
	Replaced int
	Cause    string
}

// StopStep stops one task with ECS's stop code and reason.
type StopStep struct {
	TaskARN  string
	Cause    string
	StopCode string
	Reason   string
	// HealthCheck marks a replacement for failed health checks, which the executor
	// reports back as TaskView.FailedHealthCheck (breaker stage 2, spec §5.7).
	HealthCheck bool
}

// DeploymentUpdate is a deployment's new state; the executor writes every field.
type DeploymentUpdate struct {
	ID             string
	Status         string
	RolloutState   string
	Reason         string // rolloutStateReason; empty leaves it as is
	FailedTasks    int
	ReachedRunning bool
	Rollback       bool
	Desired        int
	Pending        int
	Running        int
}

// String prints the plan one decision a line; tests assert on this text.
func (p Plan) String() string {
	var b strings.Builder
	for _, d := range p.Deployments {
		fmt.Fprintf(&b, "deployment %s %s %s desired %d pending %d running %d failed %d",
			d.ID, d.Status, d.RolloutState, d.Desired, d.Pending, d.Running, d.FailedTasks)
		if d.Reason != "" {
			fmt.Fprintf(&b, ": %s", d.Reason)
		}
		b.WriteString("\n")
	}
	for _, s := range p.Stop {
		fmt.Fprintf(&b, "stop %s: %s\n", taskID(s.TaskARN), s.Cause)
	}
	for _, s := range p.Start {
		fmt.Fprintf(&b, "start %d × %s (%s): %s\n", s.Count, s.DeploymentID, s.TaskDefinition, s.Cause)
	}
	for _, pl := range p.Placements {
		fmt.Fprintf(&b, "%s\n", pl)
	}
	for _, f := range p.Forget {
		fmt.Fprintf(&b, "forget %s\n", taskID(f))
	}
	for _, w := range p.Waits {
		fmt.Fprintf(&b, "wait: %s\n", w)
	}
	for _, e := range p.Events {
		fmt.Fprintf(&b, "event: %s\n", e.Message())
	}
	if p.Steady {
		b.WriteString("steady\n")
	}
	if !p.Wake.IsZero() {
		fmt.Fprintf(&b, "wake at %s\n", clock(p.Wake))
	}
	return b.String()
}

// taskID is the last path segment of a task ARN, as events print it.
func taskID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// Stop reasons, as ECS writes them for scheduler-initiated stops [ext wording].
func scalingReason(deploymentID string) string {
	return fmt.Sprintf("Scaling activity initiated by (deployment %s)", deploymentID)
}

const unhealthyReason = "Task failed container health checks"

// retirementReason is the stoppedReason of a task Fargate retired (tasks spec §3.7).
const retirementReason = "ECS is performing maintenance on the underlying infrastructure hosting the task"

// drainingReason is the stoppedReason of a task moved off a DRAINING container
// instance (ecsmini's wording: the guide gives none).
const drainingReason = "Container instance is draining"

func taskList(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "(task " + id + ")"
	}
	return strings.Join(parts, " ")
}

// unhealthyEvent is the event for a task replaced for failing health checks: its
// target group's checks when only those failed, else its container health checks.
func unhealthyEvent(s string, t TaskView) Event {
	return Event{Kind: EventUnhealthy, Service: s, Tasks: []string{taskID(t.ARN)}, TargetGroup: t.TargetGroup,
		InTargetGroup: t.Health != "UNHEALTHY" && t.TargetHealth == targetUnhealthy}
}

// Rollout reasons (EventBridge reason text, spec §5.7).
func inProgressReason(id string) string { return fmt.Sprintf("ECS deployment %s in progress.", id) }
func completedReason(id string) string  { return fmt.Sprintf("ECS deployment %s completed.", id) }

// failedReason is the rolloutStateReason DescribeServices shows (EventBridge says "task
// failed to start." in the singular).
const failedReason = "ECS deployment circuit breaker: tasks failed to start."

func rollbackReason(id string) string {
	return fmt.Sprintf("ECS deployment circuit breaker: rolling back to deploymentId %s.", id)
}

func clock(t time.Time) string { return t.UTC().Format(time.TimeOnly) }
