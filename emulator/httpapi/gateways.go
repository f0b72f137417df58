package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// GatewayBackend serves the service gateway operations.
type GatewayBackend interface {
	CreateGateway(context.Context, *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error)
	DescribeGateway(context.Context, *ecs.GatewayRef) (*ecs.DescribeGatewayOutput, error)
	UpdateGateway(context.Context, *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error)
	DeleteGateway(context.Context, *ecs.GatewayRef) (*ecs.GatewayStatusOutput, error)
	ListGateways(context.Context, *ecs.ListGatewaysInput) (*ecs.ListGatewaysOutput, error)
	AssociateGatewayWithCluster(context.Context, *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error)
	DisassociateGatewayFromCluster(context.Context, *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error)
	ListGatewayClusterAssociations(context.Context, *ecs.GatewayClusterInput) (*ecs.ListGatewayClusterAssociationsOutput, error)
	ListGatewayRoutes(context.Context, *ecs.GatewayClusterInput) (*ecs.ListGatewayRoutesOutput, error)
	DescribeGatewayRoute(context.Context, *ecs.GatewayRouteRef) (*ecs.GatewayRouteOutput, error)
	DescribeGatewayResources(context.Context, *ecs.GatewayRef) (*ecs.DescribeGatewayResourcesOutput, error)
}

func (h *Handler) registerGateways(b GatewayBackend) {
	h.add("CreateGateway", op(b.CreateGateway))
	h.add("DescribeGateway", op(b.DescribeGateway))
	h.add("UpdateGateway", op(b.UpdateGateway))
	h.add("DeleteGateway", op(b.DeleteGateway))
	h.add("ListGateways", op(b.ListGateways))
	h.add("AssociateGatewayWithCluster", op(b.AssociateGatewayWithCluster))
	h.add("DisassociateGatewayFromCluster", op(b.DisassociateGatewayFromCluster))
	h.add("ListGatewayClusterAssociations", op(b.ListGatewayClusterAssociations))
	h.add("ListGatewayRoutes", op(b.ListGatewayRoutes))
	h.add("DescribeGatewayRoute", op(b.DescribeGatewayRoute))
	h.add("DescribeGatewayResources", op(b.DescribeGatewayResources))
}
