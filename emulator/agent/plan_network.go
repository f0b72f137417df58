package agent

import (
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// networkLost stops a task whose network is gone. The ECS agent makes an awsvpc task's
// pause container essential, so once the task has started, losing it stops the task as
// any essential container's exit does; the containers still running say why. Before any
// container started, the task failed to start: its resources could not be set up.
func networkLost(t Task, p *Plan) *StopDecision {
	started := false
	for _, c := range t.Containers {
		started = started || (c.Observed != nil && !c.Observed.StartedAt.IsZero())
	}
	if !started {
		return &StopDecision{Code: ecs.StopTaskFailedToStart, Reason: networkGoneErrPrefix + t.NetworkLost}
	}
	for _, c := range t.Containers {
		if c.Observed != nil && c.Observed.Status != containers.Exited && p.Reasons[c.Name] == "" {
			p.Reasons[c.Name] = NetworkLostReason + ": " + t.NetworkLost
		}
	}
	return &StopDecision{Code: ecs.StopEssentialContainerExited, Reason: EssentialExitReason}
}

// EssentialExitReason is ECS's stoppedReason when an essential container exits.
const EssentialExitReason = "Essential container in task exited"

// NetworkLostReason begins the reason of each container stopped because its task's
// network (the pause container) went away while the task ran.
const NetworkLostReason = "the task's network is gone"
