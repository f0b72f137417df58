package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The managed daemon operations live in package daemons; these are the facade's names
// for them.

// RegisterDaemonTaskDefinition: see daemons.Daemons.RegisterDaemonTaskDefinition.
func (e *Emulator) RegisterDaemonTaskDefinition(ctx context.Context, in *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.DaemonTaskDefinitionArnOutput, error) {
	return e.dm.RegisterDaemonTaskDefinition(ctx, in)
}

// DescribeDaemonTaskDefinition: see daemons.Daemons.DescribeDaemonTaskDefinition.
func (e *Emulator) DescribeDaemonTaskDefinition(ctx context.Context, in *ecs.DaemonTaskDefinitionRef) (*ecs.DescribeDaemonTaskDefinitionOutput, error) {
	return e.dm.DescribeDaemonTaskDefinition(ctx, in)
}

// DeleteDaemonTaskDefinition: see daemons.Daemons.DeleteDaemonTaskDefinition.
func (e *Emulator) DeleteDaemonTaskDefinition(ctx context.Context, in *ecs.DaemonTaskDefinitionRef) (*ecs.DaemonTaskDefinitionArnOutput, error) {
	return e.dm.DeleteDaemonTaskDefinition(ctx, in)
}

// ListDaemonTaskDefinitions: see daemons.Daemons.ListDaemonTaskDefinitions.
func (e *Emulator) ListDaemonTaskDefinitions(ctx context.Context, in *ecs.ListDaemonTaskDefinitionsInput) (*ecs.ListDaemonTaskDefinitionsOutput, error) {
	return e.dm.ListDaemonTaskDefinitions(ctx, in)
}

// CreateDaemon: see daemons.Daemons.CreateDaemon.
func (e *Emulator) CreateDaemon(ctx context.Context, in *ecs.DaemonInput) (*ecs.DaemonOutput, error) {
	return e.dm.CreateDaemon(ctx, in)
}

// UpdateDaemon: see daemons.Daemons.UpdateDaemon.
func (e *Emulator) UpdateDaemon(ctx context.Context, in *ecs.DaemonInput) (*ecs.DaemonOutput, error) {
	return e.dm.UpdateDaemon(ctx, in)
}

// DeleteDaemon: see daemons.Daemons.DeleteDaemon.
func (e *Emulator) DeleteDaemon(ctx context.Context, in *ecs.DaemonRef) (*ecs.DaemonOutput, error) {
	return e.dm.DeleteDaemon(ctx, in)
}

// DescribeDaemon: see daemons.Daemons.DescribeDaemon.
func (e *Emulator) DescribeDaemon(ctx context.Context, in *ecs.DaemonRef) (*ecs.DescribeDaemonOutput, error) {
	return e.dm.DescribeDaemon(ctx, in)
}

// ListDaemons: see daemons.Daemons.ListDaemons.
func (e *Emulator) ListDaemons(ctx context.Context, in *ecs.ListDaemonsInput) (*ecs.ListDaemonsOutput, error) {
	return e.dm.ListDaemons(ctx, in)
}

// ListDaemonDeployments: see daemons.Daemons.ListDaemonDeployments.
func (e *Emulator) ListDaemonDeployments(ctx context.Context, in *ecs.ListDaemonDeploymentsInput) (*ecs.ListDaemonDeploymentsOutput, error) {
	return e.dm.ListDaemonDeployments(ctx, in)
}

// DescribeDaemonDeployments: see daemons.Daemons.DescribeDaemonDeployments.
func (e *Emulator) DescribeDaemonDeployments(ctx context.Context, in *ecs.DescribeDaemonDeploymentsInput) (*ecs.DescribeDaemonDeploymentsOutput, error) {
	return e.dm.DescribeDaemonDeployments(ctx, in)
}

// DescribeDaemonRevisions: see daemons.Daemons.DescribeDaemonRevisions.
func (e *Emulator) DescribeDaemonRevisions(ctx context.Context, in *ecs.DescribeDaemonRevisionsInput) (*ecs.DescribeDaemonRevisionsOutput, error) {
	return e.dm.DescribeDaemonRevisions(ctx, in)
}
