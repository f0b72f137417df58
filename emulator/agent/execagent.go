package agent

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// setExecAgent reports the ECS Exec managed agent of a container of a task started with
// enableExecuteCommand: ECS runs it beside each container, so it follows the container
// (PENDING, RUNNING from when the container runs, STOPPED after). ecsmini's data
// channel needs nothing in the container, so the agent is RUNNING exactly when the
// container is. The AWS CLI reads it (and runtimeId) before it starts the plugin.
func setExecAgent(t *ecs.Task, c *ecs.Container, now time.Time) {
	if !t.EnableExecuteCommand {
		return
	}
	if len(c.ManagedAgents) == 0 {
		c.ManagedAgents = []ecs.ManagedAgent{{Name: ecs.ExecuteCommandAgent}}
	}
	a := &c.ManagedAgents[0]
	if a.LastStatus == c.LastStatus {
		return
	}
	if c.LastStatus == ecs.ContainerRunning {
		a.LastStartedAt = ecs.At(now)
	}
	a.LastStatus = c.LastStatus
}
