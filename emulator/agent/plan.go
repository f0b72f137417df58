package agent

import (
	"fmt"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Container is what Plan knows of one container of a task.
type Container struct {
	Name           string
	Essential      bool
	DependsOn      []ecs.ContainerDependency
	HasHealthCheck bool
	// StartTimeout bounds how long containers depending on this one wait for it to
	// reach their condition, from when this one was created (0: no bound).
	StartTimeout time.Duration
	StopTimeout  time.Duration
	// Observed is the runtime's report; nil while the container is not created.
	Observed *containers.State
}

// Task is what Plan knows of one task.
type Task struct {
	// Desired is StatusRunning or StatusStopped.
	Desired    ecs.TaskStatus
	Containers []Container
	Now        time.Time
	// NetworkLost, when set, says how the task's network went away (an awsvpc task's
	// pause container exited or was removed): the task cannot go on without it.
	NetworkLost string
}

// StepKind is what a step does.
type StepKind int

// Steps: create and start a container; stop a container (signal, then kill after the
// step's Timeout).
const (
	StepStart StepKind = iota + 1
	StepStop
)

// Step is one action for the executor, with the reason it is taken.
type Step struct {
	Kind      StepKind
	Container string
	Timeout   time.Duration
	Cause     string
}

func (s Step) String() string {
	if s.Kind == StepStop {
		return fmt.Sprintf("stop %s (timeout %s): %s", s.Container, s.Timeout, s.Cause)
	}
	return fmt.Sprintf("start %s: %s", s.Container, s.Cause)
}

// StopDecision is Plan deciding that a task must stop, with ECS's stop code and reason.
type StopDecision struct {
	Code   string
	Reason string
}

// Plan is the outcome of planning a task.
type Plan struct {
	// Stop is set when the task must stop (its desired status becomes STOPPED).
	Stop *StopDecision
	// Steps to carry out now, in order.
	Steps []Step
	// Waiting lists containers that cannot start yet, with why.
	Waiting []string
	// Status is the task's lastStatus as its containers make it: PENDING, RUNNING,
	// STOPPING or STOPPED (the executor adds the provisioning states around these).
	Status ecs.TaskStatus
	// Health is the task's healthStatus.
	Health string
	// Reasons are container reasons to record (container name → reason).
	Reasons map[string]string
}

// String prints the plan, one decision a line; tests assert on this text.
func (p Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "status %s, health %s\n", p.Status, p.Health)
	if p.Stop != nil {
		fmt.Fprintf(&b, "stop task: %s: %s\n", p.Stop.Code, p.Stop.Reason)
	}
	for _, s := range p.Steps {
		b.WriteString(s.String() + "\n")
	}
	for _, w := range p.Waiting {
		b.WriteString("wait " + w + "\n")
	}
	return b.String()
}

// OOMReason is the container reason ECS records when the kernel kills a container for
// exceeding its memory.
const OOMReason = "OutOfMemoryError: Container killed due to memory usage"

// PlanTask decides the next steps for t.
func PlanTask(t Task) Plan {
	p := Plan{Reasons: map[string]string{}}
	byName := make(map[string]*Container, len(t.Containers))
	for i := range t.Containers {
		byName[t.Containers[i].Name] = &t.Containers[i]
	}
	for _, c := range t.Containers {
		if c.Observed != nil && c.Observed.OOMKilled {
			p.Reasons[c.Name] = OOMReason
		}
	}
	desired := t.Desired
	if desired == ecs.StatusRunning {
		p.Stop = essentialExit(t.Containers)
		if p.Stop == nil && t.NetworkLost != "" {
			p.Stop = networkLost(t, &p)
		}
		if p.Stop == nil {
			p.Stop = planStarts(t, byName, &p)
		}
		if p.Stop != nil {
			desired = ecs.StatusStopped
			p.Steps, p.Waiting = nil, nil
		}
	}
	if desired == ecs.StatusStopped {
		planStops(t.Containers, &p)
	}
	p.Status = taskStatus(desired, t.Containers)
	p.Health = taskHealth(t.Containers)
	return p
}

// essentialExit is ECS's rule that an essential container's exit, for any reason,
// stops the task.
func essentialExit(cs []Container) *StopDecision {
	for _, c := range cs {
		if c.Essential && c.Observed != nil && c.Observed.Status == containers.Exited {
			return &StopDecision{Code: ecs.StopEssentialContainerExited, Reason: EssentialExitReason}
		}
	}
	return nil
}

// planStarts adds a start step for each container whose dependencies are met. An
// essential container whose dependency can no longer be met fails the task; a
// non-essential one just never starts.
func planStarts(t Task, byName map[string]*Container, p *Plan) *StopDecision {
	for _, c := range t.Containers {
		if c.Observed != nil {
			continue
		}
		met, why, failed := dependencies(t.Now, c, byName)
		switch {
		case failed && c.Essential:
			reason := fmt.Sprintf("DependencyError: container %s cannot start: %s", c.Name, why)
			p.Reasons[c.Name] = reason
			return &StopDecision{Code: ecs.StopTaskFailedToStart, Reason: reason}
		case failed:
			p.Reasons[c.Name] = fmt.Sprintf("DependencyError: container %s cannot start: %s", c.Name, why)
			p.Waiting = append(p.Waiting, c.Name+": never: "+why)
		case met:
			p.Steps = append(p.Steps, Step{Kind: StepStart, Container: c.Name, Cause: why})
		default:
			p.Waiting = append(p.Waiting, c.Name+": "+why)
		}
	}
	return nil
}

// dependencies reports whether c's dependsOn conditions hold (met), why (or why not),
// and whether one of them can never hold any more (failed).
func dependencies(now time.Time, c Container, byName map[string]*Container) (met bool, why string, failed bool) {
	if len(c.DependsOn) == 0 {
		return true, "no dependencies", false
	}
	var held, pending []string
	for _, d := range c.DependsOn {
		dep := byName[d.ContainerName]
		if dep == nil {
			return false, fmt.Sprintf("dependency %s does not exist", d.ContainerName), true
		}
		ok, never, detail := condition(now, d.Condition, dep)
		desc := d.ContainerName + " " + d.Condition
		switch {
		case ok:
			held = append(held, desc)
		case never:
			return false, fmt.Sprintf("dependency %s did not reach %s (%s)", d.ContainerName, d.Condition, detail), true
		default:
			pending = append(pending, desc+" ("+detail+")")
		}
	}
	if len(pending) > 0 {
		return false, "waiting for " + strings.Join(pending, ", "), false
	}
	return true, "dependencies met: " + strings.Join(held, ", "), false
}

// condition evaluates one dependsOn condition against the dependency's state.
func condition(now time.Time, cond string, dep *Container) (ok, never bool, detail string) {
	s := dep.Observed
	if s == nil {
		return false, false, "not started"
	}
	exited := s.Status == containers.Exited
	switch cond {
	case ecs.ConditionStart:
		if !s.StartedAt.IsZero() {
			return true, false, "started"
		}
	case ecs.ConditionComplete:
		if exited {
			return true, false, "exited"
		}
	case ecs.ConditionSuccess:
		if exited && s.ExitCode == 0 {
			return true, false, "exited 0"
		}
		if exited {
			return false, true, fmt.Sprintf("exited with code %d", s.ExitCode)
		}
	case ecs.ConditionHealthy:
		if s.Health == containers.HealthHealthy {
			return true, false, "healthy"
		}
		if exited {
			return false, true, fmt.Sprintf("exited with code %d", s.ExitCode)
		}
		if s.Health == containers.HealthUnhealthy {
			return false, true, "unhealthy"
		}
	default:
		return false, true, "unknown condition " + cond
	}
	if dep.StartTimeout > 0 && !s.CreatedAt.IsZero() && now.Sub(s.CreatedAt) >= dep.StartTimeout {
		return false, true, fmt.Sprintf("timed out after %s", dep.StartTimeout)
	}
	if exited {
		return false, true, fmt.Sprintf("exited with code %d", s.ExitCode)
	}
	return false, false, "not yet"
}

// planStops stops running containers in the reverse of their start order: a container
// stops only once every running container that depends on it has stopped.
func planStops(cs []Container, p *Plan) {
	running := map[string]bool{}
	for _, c := range cs {
		if c.Observed != nil && c.Observed.Status != containers.Exited {
			running[c.Name] = true
		}
	}
	for _, c := range cs {
		if !running[c.Name] {
			continue
		}
		var blockers []string
		for _, other := range cs {
			if !running[other.Name] || other.Name == c.Name {
				continue
			}
			for _, d := range other.DependsOn {
				if d.ContainerName == c.Name {
					blockers = append(blockers, other.Name)
				}
			}
		}
		if len(blockers) > 0 {
			p.Waiting = append(p.Waiting, c.Name+": stops after "+strings.Join(blockers, ", "))
			continue
		}
		p.Steps = append(p.Steps, Step{Kind: StepStop, Container: c.Name, Timeout: c.StopTimeout, Cause: "task stopping"})
	}
}

// taskStatus derives the task's lastStatus from its containers: RUNNING once every
// essential container runs; STOPPING while a container still runs after the task was
// told to stop; STOPPED when none runs.
func taskStatus(desired ecs.TaskStatus, cs []Container) ecs.TaskStatus {
	anyRunning, essentialsRunning := false, true
	for _, c := range cs {
		up := c.Observed != nil && c.Observed.Status == containers.Running
		anyRunning = anyRunning || up
		if c.Essential && !up {
			essentialsRunning = false
		}
	}
	switch {
	case desired == ecs.StatusStopped && anyRunning:
		return ecs.StatusStopping
	case desired == ecs.StatusStopped:
		return ecs.StatusStopped
	case essentialsRunning:
		return ecs.StatusRunning
	}
	return ecs.StatusPending
}

func taskHealth(cs []Container) string {
	hs := make([]ecs.ContainerHealth, len(cs))
	for i, c := range cs {
		hs[i] = ecs.ContainerHealth{Essential: c.Essential, HasCheck: c.HasHealthCheck, Status: ContainerHealth(c.Observed)}
	}
	return ecs.TaskHealth(hs)
}

// ContainerHealth maps a runtime health to ECS's container healthStatus.
func ContainerHealth(s *containers.State) string {
	if s == nil {
		return ecs.HealthUnknown
	}
	switch s.Health {
	case containers.HealthHealthy:
		return ecs.HealthHealthy
	case containers.HealthUnhealthy:
		return ecs.HealthUnhealthy
	}
	return ecs.HealthUnknown
}
