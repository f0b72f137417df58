package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/providers"
)

// The capacity provider operations live in package providers.

// CreateCapacityProvider: see providers.CreateCapacityProvider.
func (e *Emulator) CreateCapacityProvider(ctx context.Context, in *ecs.CreateCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	return providers.CreateCapacityProvider(ctx, e.st, in)
}

// DescribeCapacityProviders: see providers.DescribeCapacityProviders.
func (e *Emulator) DescribeCapacityProviders(ctx context.Context, in *ecs.DescribeCapacityProvidersInput) (*ecs.DescribeCapacityProvidersOutput, error) {
	return providers.DescribeCapacityProviders(ctx, e.st, in)
}

// UpdateCapacityProvider: see providers.UpdateCapacityProvider.
func (e *Emulator) UpdateCapacityProvider(ctx context.Context, in *ecs.UpdateCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	return providers.UpdateCapacityProvider(ctx, e.st, in)
}

// DeleteCapacityProvider: see providers.DeleteCapacityProvider.
func (e *Emulator) DeleteCapacityProvider(ctx context.Context, in *ecs.DeleteCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	return providers.DeleteCapacityProvider(ctx, e.st, in)
}
