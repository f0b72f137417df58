package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/express"
)

// Express gateway services: package express does the work, through the facade's own
// service and task definition operations (the Host is the emulator itself).

// LoadBalancerPort is the localhost port of a target group's local load balancer.
func (e *Emulator) LoadBalancerPort(targetGroupArn string) int {
	return e.ctl.LoadBalancerPort(targetGroupArn)
}

// SetExpressScaler connects Application Auto Scaling, which Express services register
// their scaling with; without it they keep their minimum task count.
func (e *Emulator) SetExpressScaler(s express.Scaler) { e.express.SetScaler(s) }

// CreateExpressGatewayService implements the ECS operation.
func (e *Emulator) CreateExpressGatewayService(ctx context.Context, in *ecs.CreateExpressGatewayServiceInput) (*ecs.ExpressGatewayServiceOutput, error) {
	return e.express.Create(ctx, in)
}

// DescribeExpressGatewayService implements the ECS operation.
func (e *Emulator) DescribeExpressGatewayService(ctx context.Context, in *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error) {
	return e.express.Describe(ctx, in)
}

// UpdateExpressGatewayService implements the ECS operation.
func (e *Emulator) UpdateExpressGatewayService(ctx context.Context, in *ecs.UpdateExpressGatewayServiceInput) (*ecs.UpdateExpressGatewayServiceOutput, error) {
	return e.express.Update(ctx, in)
}

// DeleteExpressGatewayService implements the ECS operation.
func (e *Emulator) DeleteExpressGatewayService(ctx context.Context, in *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error) {
	return e.express.Delete(ctx, in)
}
