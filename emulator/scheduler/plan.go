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
	// Forget lists STOPPED tasks this plan accounted for; the executor drops them from
	// the service so they are not counted twice.
	Forget []string
	// Waits say why the plan holds back (throttled launches, a stalled deployment).
	Waits []string
	// Events are service event messages in ECS's wording (spec §5.9), oldest first.
	// Start events need the new task IDs, so the executor writes them with
	// StartedMessage once it has created the tasks.
	Events   []string
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
	for _, f := range p.Forget {
		fmt.Fprintf(&b, "forget %s\n", taskID(f))
	}
	for _, w := range p.Waits {
		fmt.Fprintf(&b, "wait: %s\n", w)
	}
	for _, e := range p.Events {
		fmt.Fprintf(&b, "event: %s\n", e)
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

// StartedMessage is the event for tasks the executor started (guide L47164), saying how
// many replace unhealthy tasks.
func StartedMessage(service string, taskIDs []string, replaced int) string {
	msg := fmt.Sprintf("(service %s) has started %d tasks: %s.", service, len(taskIDs), taskList(taskIDs))
	if replaced = min(replaced, len(taskIDs)); replaced > 0 {
		msg += fmt.Sprintf(" Amazon ECS replaced %d tasks due to an unhealthy status.", replaced)
	}
	return msg
}

func stoppedMessage(service string, taskIDs []string) string {
	return fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", service, len(taskIDs), taskList(taskIDs))
}

func taskList(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "(task " + id + ")"
	}
	return strings.Join(parts, " ")
}

// Deployment and service messages (spec §5.7-5.9). The guide gives the steady-state and
// throttle text; the deployment ones follow the "(service X) (deployment ID)" form of
// the console [ext].
func steadyMessage(s string) string {
	return fmt.Sprintf("(service %s) has reached a steady state.", s)
}

func completedMessage(s, id string) string {
	return fmt.Sprintf("(service %s) (deployment %s) deployment completed.", s, id)
}

func failedMessage(s, id string) string {
	return fmt.Sprintf("(service %s) (deployment %s) deployment failed: tasks failed to start.", s, id)
}

func rollbackMessage(s, to string) string {
	return fmt.Sprintf("(service %s) rolling back to deployment %s.", s, to)
}

// unhealthyMessage is the event for a task replaced for failing health checks.
func unhealthyMessage(s string, t TaskView) string {
	if t.Health != "UNHEALTHY" && t.TargetHealth == targetUnhealthy {
		return fmt.Sprintf("(service %s) (task %s) is unhealthy in (target-group %s) due to (reason Health checks failed).", s, taskID(t.ARN), t.TargetGroup)
	}
	return fmt.Sprintf("(service %s) (task %s) failed container health checks.", s, taskID(t.ARN))
}

func throttledMessage(s string) string {
	return fmt.Sprintf("(service %s) is unable to consistently start tasks successfully.", s)
}

func stalledMessage(s string) string {
	return fmt.Sprintf("service %s was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", s)
}

// protectedMessage names the deployment as ECS names the task set it scales.
func protectedMessage(s, deployment string) string {
	return fmt.Sprintf("service %s was unable to reach steady state because task set %s was unable to scale in. Reason: The number of protected tasks are more than the desired count of tasks.", s, deployment)
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
