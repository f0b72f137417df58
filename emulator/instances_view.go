package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/instview"
)

// How container instances are shown lives in package instview.

// InstanceTTL is how long an INACTIVE (deregistered) instance stays describable.
const InstanceTTL = time.Hour

// DescribeContainerInstances: see instview.DescribeContainerInstances.
func (e *Emulator) DescribeContainerInstances(ctx context.Context, in *ecs.DescribeContainerInstancesInput) (*ecs.ContainerInstancesOutput, error) {
	return instview.DescribeContainerInstances(ctx, e.st, in)
}

// ListContainerInstances: see instview.ListContainerInstances.
func (e *Emulator) ListContainerInstances(ctx context.Context, in *ecs.ListContainerInstancesInput) (*ecs.ListContainerInstancesOutput, error) {
	return instview.ListContainerInstances(ctx, e.st, in)
}
