package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TaskSetBackend serves the task set operations.
type TaskSetBackend interface {
	CreateTaskSet(context.Context, *ecs.TaskSetInput) (*ecs.TaskSetOutput, error)
	UpdateTaskSet(context.Context, *ecs.TaskSetInput) (*ecs.TaskSetOutput, error)
	DeleteTaskSet(context.Context, *ecs.TaskSetInput) (*ecs.TaskSetOutput, error)
	UpdateServicePrimaryTaskSet(context.Context, *ecs.TaskSetInput) (*ecs.TaskSetOutput, error)
	DescribeTaskSets(context.Context, *ecs.TaskSetInput) (*ecs.DescribeTaskSetsOutput, error)
}

func (h *Handler) registerTaskSets(b TaskSetBackend) {
	h.add("CreateTaskSet", op(b.CreateTaskSet))
	h.add("UpdateTaskSet", op(b.UpdateTaskSet))
	h.add("DeleteTaskSet", op(b.DeleteTaskSet))
	h.add("UpdateServicePrimaryTaskSet", op(b.UpdateServicePrimaryTaskSet))
	h.add("DescribeTaskSets", op(b.DescribeTaskSets))
}
