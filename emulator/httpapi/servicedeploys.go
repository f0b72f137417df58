package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ServiceDeploymentBackend serves the service deployment and revision operations.
type ServiceDeploymentBackend interface {
	ListServiceDeployments(context.Context, *ecs.ListServiceDeploymentsInput) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(context.Context, *ecs.DescribeServiceDeploymentsInput) (*ecs.DescribeServiceDeploymentsOutput, error)
	DescribeServiceRevisions(context.Context, *ecs.DescribeServiceRevisionsInput) (*ecs.DescribeServiceRevisionsOutput, error)
	StopServiceDeployment(context.Context, *ecs.StopServiceDeploymentInput) (*ecs.ServiceDeploymentArnOutput, error)
	ContinueServiceDeployment(context.Context, *ecs.ContinueServiceDeploymentInput) (*ecs.ServiceDeploymentArnOutput, error)
}

func (h *Handler) registerServiceDeployments(b ServiceDeploymentBackend) {
	h.add("ListServiceDeployments", op(b.ListServiceDeployments))
	h.add("DescribeServiceDeployments", op(b.DescribeServiceDeployments))
	h.add("DescribeServiceRevisions", op(b.DescribeServiceRevisions))
	h.add("StopServiceDeployment", op(b.StopServiceDeployment))
	h.add("ContinueServiceDeployment", op(b.ContinueServiceDeployment))
}
