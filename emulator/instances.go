package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/instances"
)

// The container instance operations (registration, attributes, draining, termination,
// simulated Auto Scaling groups) live in package instances.

// AddInstanceRequest launches a simulated EC2 instance into a cluster.
type AddInstanceRequest = instances.AddInstanceRequest

// ASG is a simulated Auto Scaling group as the ecsmini API shows it.
type ASG = instances.ASG

// AddInstance: see instances.Ops.AddInstance.
func (e *Emulator) AddInstance(ctx context.Context, in AddInstanceRequest) (*ecs.ContainerInstance, error) {
	return e.inst.AddInstance(ctx, in)
}

// RegisterContainerInstance: see instances.Ops.RegisterContainerInstance.
func (e *Emulator) RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	return e.inst.RegisterContainerInstance(ctx, in)
}

// DeregisterContainerInstance: see instances.Ops.DeregisterContainerInstance.
func (e *Emulator) DeregisterContainerInstance(ctx context.Context, in *ecs.DeregisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	return e.inst.DeregisterContainerInstance(ctx, in)
}

// UpdateContainerInstancesState: see instances.Ops.UpdateContainerInstancesState.
func (e *Emulator) UpdateContainerInstancesState(ctx context.Context, in *ecs.UpdateContainerInstancesStateInput) (*ecs.ContainerInstancesOutput, error) {
	return e.inst.UpdateContainerInstancesState(ctx, in)
}

// TerminateInstance: see instances.Ops.TerminateInstance.
func (e *Emulator) TerminateInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return e.inst.TerminateInstance(ctx, cluster, ref)
}

// PutAttributes: see instances.Ops.PutAttributes.
func (e *Emulator) PutAttributes(ctx context.Context, in *ecs.AttributesInput) (*ecs.AttributesOutput, error) {
	return e.inst.PutAttributes(ctx, in)
}

// DeleteAttributes: see instances.Ops.DeleteAttributes.
func (e *Emulator) DeleteAttributes(ctx context.Context, in *ecs.AttributesInput) (*ecs.AttributesOutput, error) {
	return e.inst.DeleteAttributes(ctx, in)
}

// ListAttributes: see instances.Ops.ListAttributes.
func (e *Emulator) ListAttributes(ctx context.Context, in *ecs.ListAttributesInput) (*ecs.AttributesOutput, error) {
	return e.inst.ListAttributes(ctx, in)
}

// CreateASG: see instances.Ops.CreateASG.
func (e *Emulator) CreateASG(ctx context.Context, in ASGRequest) (*ASG, error) {
	return e.inst.CreateASG(ctx, in)
}

// UpdateASG: see instances.Ops.UpdateASG.
func (e *Emulator) UpdateASG(ctx context.Context, in ASGRequest) (*ASG, error) {
	return e.inst.UpdateASG(ctx, in)
}

// DeleteASG: see instances.Ops.DeleteASG.
func (e *Emulator) DeleteASG(ctx context.Context, name string) error {
	return e.inst.DeleteASG(ctx, name)
}

// ASGs: see instances.Ops.ASGs.
func (e *Emulator) ASGs(ctx context.Context) ([]*ASG, error) { return e.inst.ASGs(ctx) }
