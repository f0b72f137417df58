package ecs

import (
	"fmt"
	"slices"
)

// TaskStatus is a task's lastStatus or desiredStatus, ordered by the lifecycle, so
// "has the task reached RUNNING" is a comparison. Wire strings appear only when it is
// encoded (ECS JSON) or printed.
type TaskStatus int

// Task statuses in lifecycle order. DELETED is transient: ECS shows it briefly after
// STOPPED.
const (
	StatusUnknown TaskStatus = iota
	StatusProvisioning
	StatusPending
	StatusActivating
	StatusRunning
	StatusDeactivating
	StatusStopping
	StatusDeprovisioning
	StatusStopped
	StatusDeleted
)

var taskStatusNames = []string{"", "PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED", "DELETED"}

func (s TaskStatus) String() string {
	if s < 0 || int(s) >= len(taskStatusNames) {
		return fmt.Sprintf("TaskStatus(%d)", int(s))
	}
	return taskStatusNames[s]
}

// ParseTaskStatus reads a wire status.
func ParseTaskStatus(name string) (TaskStatus, error) {
	i := slices.Index(taskStatusNames, name)
	if i <= 0 {
		return StatusUnknown, fmt.Errorf("unknown task status %q", name)
	}
	return TaskStatus(i), nil
}

// MarshalText encodes the wire name.
func (s TaskStatus) MarshalText() ([]byte, error) {
	if s == StatusUnknown || int(s) >= len(taskStatusNames) {
		return nil, fmt.Errorf("task status %d has no wire name", int(s))
	}
	return []byte(taskStatusNames[s]), nil
}

// UnmarshalText decodes the wire name.
func (s *TaskStatus) UnmarshalText(b []byte) error {
	v, err := ParseTaskStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// CanMove reports whether a task's lastStatus may go from s to next. Statuses only move
// forward; a step may skip states (a task that fails to start goes from PENDING to
// STOPPED), and DELETED follows only STOPPED.
func (s TaskStatus) CanMove(next TaskStatus) bool {
	if s == StatusUnknown || next <= s || next > StatusDeleted {
		return false
	}
	return next != StatusDeleted || s == StatusStopped
}

// IsDesired reports whether s is a valid desiredStatus (ECS uses RUNNING and STOPPED;
// ListTasks also filters on PENDING).
func (s TaskStatus) IsDesired() bool {
	return s == StatusRunning || s == StatusStopped || s == StatusPending
}

// Health statuses of containers and tasks.
const (
	HealthHealthy   = "HEALTHY"
	HealthUnhealthy = "UNHEALTHY"
	HealthUnknown   = "UNKNOWN"
)

// TaskHealth aggregates container health into the task's healthStatus by ECS's rules
// (spec: ecs-tasks-and-fargate §4.3): only essential containers with a health check
// count; any UNHEALTHY makes the task UNHEALTHY, else any UNKNOWN makes it UNKNOWN,
// else (all HEALTHY) it is HEALTHY. A task with no such container is UNKNOWN.
func TaskHealth(containers []ContainerHealth) string {
	counted, unknown := 0, false
	for _, c := range containers {
		if !c.Essential || !c.HasCheck {
			continue
		}
		counted++
		switch c.Status {
		case HealthUnhealthy:
			return HealthUnhealthy
		case HealthHealthy:
		default:
			unknown = true
		}
	}
	if counted == 0 || unknown {
		return HealthUnknown
	}
	return HealthHealthy
}

// ContainerHealth is what TaskHealth needs to know of one container.
type ContainerHealth struct {
	Essential bool
	HasCheck  bool
	Status    string
}
