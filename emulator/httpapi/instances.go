package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// InstanceBackend serves the container instance, attribute and StartTask operations.
type InstanceBackend interface {
	RegisterContainerInstance(context.Context, *ecs.RegisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error)
	DeregisterContainerInstance(context.Context, *ecs.DeregisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error)
	DescribeContainerInstances(context.Context, *ecs.DescribeContainerInstancesInput) (*ecs.ContainerInstancesOutput, error)
	ListContainerInstances(context.Context, *ecs.ListContainerInstancesInput) (*ecs.ListContainerInstancesOutput, error)
	UpdateContainerInstancesState(context.Context, *ecs.UpdateContainerInstancesStateInput) (*ecs.ContainerInstancesOutput, error)
	PutAttributes(context.Context, *ecs.AttributesInput) (*ecs.AttributesOutput, error)
	DeleteAttributes(context.Context, *ecs.AttributesInput) (*ecs.AttributesOutput, error)
	ListAttributes(context.Context, *ecs.ListAttributesInput) (*ecs.AttributesOutput, error)
	StartTask(context.Context, *ecs.StartTaskInput) (*ecs.TasksOutput, error)
}

func (h *Handler) registerInstances(b InstanceBackend) {
	h.add("RegisterContainerInstance", op(b.RegisterContainerInstance))
	h.add("DeregisterContainerInstance", op(b.DeregisterContainerInstance))
	h.add("DescribeContainerInstances", op(b.DescribeContainerInstances))
	h.add("ListContainerInstances", op(b.ListContainerInstances))
	h.add("UpdateContainerInstancesState", op(b.UpdateContainerInstancesState))
	h.add("PutAttributes", op(b.PutAttributes))
	h.add("DeleteAttributes", op(b.DeleteAttributes))
	h.add("ListAttributes", op(b.ListAttributes))
	h.add("StartTask", op(b.StartTask))
}
