package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ExpressBackend serves the Express gateway service operations.
type ExpressBackend interface {
	CreateExpressGatewayService(context.Context, *ecs.CreateExpressGatewayServiceInput) (*ecs.ExpressGatewayServiceOutput, error)
	DescribeExpressGatewayService(context.Context, *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error)
	UpdateExpressGatewayService(context.Context, *ecs.UpdateExpressGatewayServiceInput) (*ecs.UpdateExpressGatewayServiceOutput, error)
	DeleteExpressGatewayService(context.Context, *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error)
}

func (h *Handler) registerExpress(b ExpressBackend) {
	h.add("CreateExpressGatewayService", op(b.CreateExpressGatewayService))
	h.add("DescribeExpressGatewayService", op(b.DescribeExpressGatewayService))
	h.add("UpdateExpressGatewayService", op(b.UpdateExpressGatewayService))
	h.add("DeleteExpressGatewayService", op(b.DeleteExpressGatewayService))
}
