package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// DaemonBackend serves the daemon and daemon task definition operations.
type DaemonBackend interface {
	RegisterDaemonTaskDefinition(context.Context, *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.DaemonTaskDefinitionArnOutput, error)
	DescribeDaemonTaskDefinition(context.Context, *ecs.DaemonTaskDefinitionRef) (*ecs.DescribeDaemonTaskDefinitionOutput, error)
	ListDaemonTaskDefinitions(context.Context, *ecs.ListDaemonTaskDefinitionsInput) (*ecs.ListDaemonTaskDefinitionsOutput, error)
	DeleteDaemonTaskDefinition(context.Context, *ecs.DaemonTaskDefinitionRef) (*ecs.DaemonTaskDefinitionArnOutput, error)
	CreateDaemon(context.Context, *ecs.DaemonInput) (*ecs.DaemonOutput, error)
	UpdateDaemon(context.Context, *ecs.DaemonInput) (*ecs.DaemonOutput, error)
	DeleteDaemon(context.Context, *ecs.DaemonRef) (*ecs.DaemonOutput, error)
	DescribeDaemon(context.Context, *ecs.DaemonRef) (*ecs.DescribeDaemonOutput, error)
	ListDaemons(context.Context, *ecs.ListDaemonsInput) (*ecs.ListDaemonsOutput, error)
	ListDaemonDeployments(context.Context, *ecs.ListDaemonDeploymentsInput) (*ecs.ListDaemonDeploymentsOutput, error)
	DescribeDaemonDeployments(context.Context, *ecs.DescribeDaemonDeploymentsInput) (*ecs.DescribeDaemonDeploymentsOutput, error)
	DescribeDaemonRevisions(context.Context, *ecs.DescribeDaemonRevisionsInput) (*ecs.DescribeDaemonRevisionsOutput, error)
}

func (h *Handler) registerDaemons(b DaemonBackend) {
	h.add("RegisterDaemonTaskDefinition", op(b.RegisterDaemonTaskDefinition))
	h.add("DescribeDaemonTaskDefinition", op(b.DescribeDaemonTaskDefinition))
	h.add("ListDaemonTaskDefinitions", op(b.ListDaemonTaskDefinitions))
	h.add("DeleteDaemonTaskDefinition", op(b.DeleteDaemonTaskDefinition))
	h.add("CreateDaemon", op(b.CreateDaemon))
	h.add("UpdateDaemon", op(b.UpdateDaemon))
	h.add("DeleteDaemon", op(b.DeleteDaemon))
	h.add("DescribeDaemon", op(b.DescribeDaemon))
	h.add("ListDaemons", op(b.ListDaemons))
	h.add("ListDaemonDeployments", op(b.ListDaemonDeployments))
	h.add("DescribeDaemonDeployments", op(b.DescribeDaemonDeployments))
	h.add("DescribeDaemonRevisions", op(b.DescribeDaemonRevisions))
}
