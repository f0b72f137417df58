package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The service gateway operations live in package gateways; these are the facade's
// names for them.

// CreateGateway: see gateways.Gateways.CreateGateway.
func (e *Emulator) CreateGateway(ctx context.Context, in *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error) {
	return e.gw.CreateGateway(ctx, in)
}

// DescribeGateway: see gateways.Gateways.DescribeGateway.
func (e *Emulator) DescribeGateway(ctx context.Context, in *ecs.GatewayRef) (*ecs.DescribeGatewayOutput, error) {
	return e.gw.DescribeGateway(ctx, in)
}

// UpdateGateway: see gateways.Gateways.UpdateGateway.
func (e *Emulator) UpdateGateway(ctx context.Context, in *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error) {
	return e.gw.UpdateGateway(ctx, in)
}

// DeleteGateway: see gateways.Gateways.DeleteGateway.
func (e *Emulator) DeleteGateway(ctx context.Context, in *ecs.GatewayRef) (*ecs.GatewayStatusOutput, error) {
	return e.gw.DeleteGateway(ctx, in)
}

// ListGateways: see gateways.Gateways.ListGateways.
func (e *Emulator) ListGateways(ctx context.Context, in *ecs.ListGatewaysInput) (*ecs.ListGatewaysOutput, error) {
	return e.gw.ListGateways(ctx, in)
}

// AssociateGatewayWithCluster: see gateways.Gateways.AssociateGatewayWithCluster.
func (e *Emulator) AssociateGatewayWithCluster(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error) {
	return e.gw.AssociateGatewayWithCluster(ctx, in)
}

// DisassociateGatewayFromCluster: see gateways.Gateways.DisassociateGatewayFromCluster.
func (e *Emulator) DisassociateGatewayFromCluster(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error) {
	return e.gw.DisassociateGatewayFromCluster(ctx, in)
}

// ListGatewayClusterAssociations: see gateways.Gateways.ListGatewayClusterAssociations.
func (e *Emulator) ListGatewayClusterAssociations(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.ListGatewayClusterAssociationsOutput, error) {
	return e.gw.ListGatewayClusterAssociations(ctx, in)
}

// ListGatewayRoutes: see gateways.Gateways.ListGatewayRoutes.
func (e *Emulator) ListGatewayRoutes(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.ListGatewayRoutesOutput, error) {
	return e.gw.ListGatewayRoutes(ctx, in)
}

// DescribeGatewayRoute: see gateways.Gateways.DescribeGatewayRoute.
func (e *Emulator) DescribeGatewayRoute(ctx context.Context, in *ecs.GatewayRouteRef) (*ecs.GatewayRouteOutput, error) {
	return e.gw.DescribeGatewayRoute(ctx, in)
}

// DescribeGatewayResources: see gateways.Gateways.DescribeGatewayResources.
func (e *Emulator) DescribeGatewayResources(ctx context.Context, in *ecs.GatewayRef) (*ecs.DescribeGatewayResourcesOutput, error) {
	return e.gw.DescribeGatewayResources(ctx, in)
}
