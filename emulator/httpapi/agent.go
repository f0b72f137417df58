package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// AgentBackend serves the operations a container agent calls about its instance and
// its tasks (RegisterContainerInstance is with the instance operations).
type AgentBackend interface {
	DiscoverPollEndpoint(context.Context, *ecs.DiscoverPollEndpointInput) (*ecs.DiscoverPollEndpointOutput, error)
	SubmitTaskStateChange(context.Context, *ecs.SubmitTaskStateChangeInput) (*ecs.AcknowledgmentOutput, error)
	SubmitContainerStateChange(context.Context, *ecs.SubmitContainerStateChangeInput) (*ecs.AcknowledgmentOutput, error)
	SubmitAttachmentStateChanges(context.Context, *ecs.SubmitAttachmentStateChangesInput) (*ecs.AcknowledgmentOutput, error)
	UpdateContainerAgent(context.Context, *ecs.UpdateContainerAgentInput) (*ecs.ContainerInstanceOutput, error)
}

func (h *Handler) registerAgent(b AgentBackend) {
	h.add("DiscoverPollEndpoint", op(b.DiscoverPollEndpoint))
	h.add("SubmitTaskStateChange", op(b.SubmitTaskStateChange))
	h.add("SubmitContainerStateChange", op(b.SubmitContainerStateChange))
	h.add("SubmitAttachmentStateChanges", op(b.SubmitAttachmentStateChanges))
	h.add("UpdateContainerAgent", op(b.UpdateContainerAgent))
}
