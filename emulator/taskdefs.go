package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
)

// The task definition operations live in package taskdefs; these are the facade's
// names for them.

// RegisterTaskDefinition: see taskdefs.RegisterTaskDefinition.
func (e *Emulator) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	return taskdefs.RegisterTaskDefinition(ctx, e.st, in)
}

// DescribeTaskDefinition: see taskdefs.DescribeTaskDefinition.
func (e *Emulator) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	return taskdefs.DescribeTaskDefinition(ctx, e.st, in)
}

// DeregisterTaskDefinition: see taskdefs.DeregisterTaskDefinition.
func (e *Emulator) DeregisterTaskDefinition(ctx context.Context, in *ecs.TaskDefinitionRef) (*ecs.TaskDefinitionOutput, error) {
	return taskdefs.DeregisterTaskDefinition(ctx, e.st, in)
}

// DeleteTaskDefinitions: see taskdefs.DeleteTaskDefinitions.
func (e *Emulator) DeleteTaskDefinitions(ctx context.Context, in *ecs.DeleteTaskDefinitionsInput) (*ecs.DeleteTaskDefinitionsOutput, error) {
	return taskdefs.DeleteTaskDefinitions(ctx, e.st, in)
}

// ListTaskDefinitions: see taskdefs.ListTaskDefinitions.
func (e *Emulator) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
	return taskdefs.ListTaskDefinitions(ctx, e.st, in)
}

// ListTaskDefinitionFamilies: see taskdefs.ListTaskDefinitionFamilies.
func (e *Emulator) ListTaskDefinitionFamilies(ctx context.Context, in *ecs.ListTaskDefinitionFamiliesInput) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	return taskdefs.ListTaskDefinitionFamilies(ctx, e.st, in)
}
