package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/anywhere"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Remote agents (ECS Anywhere machines running `ecsmini agent`) and the agent-side
// operations live in package anywhere.

// The agent link's defaults: see anywhere.AgentHeartbeatTimeout and AgentTaskGrace.
const (
	AgentHeartbeatTimeout = anywhere.AgentHeartbeatTimeout
	AgentTaskGrace        = anywhere.AgentTaskGrace
)

// AgentTask is a task of a remote agent's instance with the definition it runs.
type AgentTask = anywhere.AgentTask

// AgentWork is what a remote agent's instance should run.
type AgentWork = anywhere.AgentWork

// AgentTaskHealth is the container health a remote agent reports for one task.
type AgentTaskHealth = anywhere.TaskHealthReport

// AgentContainerHealth is one container's reported healthStatus.
type AgentContainerHealth = anywhere.ContainerHealthReport

// AgentHeartbeatTimeout: see anywhere.Agents.HeartbeatTimeout.
func (e *Emulator) AgentHeartbeatTimeout() time.Duration { return e.agents.HeartbeatTimeout() }

// AgentPoll: see anywhere.Agents.AgentPoll.
func (e *Emulator) AgentPoll(ctx context.Context, cluster, instance string) (*AgentWork, <-chan struct{}, error) {
	return e.agents.AgentPoll(ctx, cluster, instance)
}

// AgentHealth: see anywhere.Agents.AgentHealth.
func (e *Emulator) AgentHealth(ctx context.Context, cluster, instance string, tasks []AgentTaskHealth) error {
	return e.agents.AgentHealth(ctx, cluster, instance, tasks)
}

// DiscoverPollEndpoint: see anywhere.Agents.DiscoverPollEndpoint.
func (e *Emulator) DiscoverPollEndpoint(ctx context.Context, in *ecs.DiscoverPollEndpointInput) (*ecs.DiscoverPollEndpointOutput, error) {
	return e.agents.DiscoverPollEndpoint(ctx, in)
}

// SubmitTaskStateChange: see anywhere.Agents.SubmitTaskStateChange.
func (e *Emulator) SubmitTaskStateChange(ctx context.Context, in *ecs.SubmitTaskStateChangeInput) (*ecs.AcknowledgmentOutput, error) {
	return e.agents.SubmitTaskStateChange(ctx, in)
}

// SubmitContainerStateChange: see anywhere.Agents.SubmitContainerStateChange.
func (e *Emulator) SubmitContainerStateChange(ctx context.Context, in *ecs.SubmitContainerStateChangeInput) (*ecs.AcknowledgmentOutput, error) {
	return e.agents.SubmitContainerStateChange(ctx, in)
}

// SubmitAttachmentStateChanges: see anywhere.Agents.SubmitAttachmentStateChanges.
func (e *Emulator) SubmitAttachmentStateChanges(ctx context.Context, in *ecs.SubmitAttachmentStateChangesInput) (*ecs.AcknowledgmentOutput, error) {
	return e.agents.SubmitAttachmentStateChanges(ctx, in)
}

// UpdateContainerAgent: see anywhere.Agents.UpdateContainerAgent.
func (e *Emulator) UpdateContainerAgent(ctx context.Context, in *ecs.UpdateContainerAgentInput) (*ecs.ContainerInstanceOutput, error) {
	return e.agents.UpdateContainerAgent(ctx, in)
}

// taskRouter is the TaskRunner the emulator drives: tasks on remote instances wake
// their agent's poll, every other task goes to the local agent.
type taskRouter struct {
	agents *anywhere.Agents
	local  TaskRunner
}

func (r *taskRouter) Launch(taskARN string) {
	if inst := r.agents.RemoteInstance(taskARN); inst != "" {
		r.agents.Signal(inst)
		return
	}
	r.local.Launch(taskARN)
}

func (r *taskRouter) Nudge(taskARN string) {
	if inst := r.agents.RemoteInstance(taskARN); inst != "" {
		r.agents.Signal(inst)
		return
	}
	r.local.Nudge(taskARN)
}
