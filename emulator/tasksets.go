package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The task set operations. ecsmini refuses the EXTERNAL and CODE_DEPLOY deployment
// controllers, so every service it has uses the ECS controller; ECS answers task set
// management on such a service with an InvalidParameterException and describes no
// task sets of it. The cluster and service are resolved first, so a missing one gets
// ECS's ClusterNotFoundException or ServiceNotFoundException.

// taskSetService resolves the service a task set operation names.
func (e *Emulator) taskSetService(ctx context.Context, in *ecs.TaskSetInput) error {
	var err error
	e.store.View(func() { _, _, err = e.st.FindService(ctx, in.Cluster, in.Service) })
	return err
}

// refuseTaskSets answers CreateTaskSet, UpdateTaskSet, DeleteTaskSet and
// UpdateServicePrimaryTaskSet.
func (e *Emulator) refuseTaskSets(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	if err := e.taskSetService(ctx, in); err != nil {
		return nil, err
	}
	return nil, ecs.ErrTaskSetsNeedExternal()
}

// CreateTaskSet is refused for ECS-controller services (see above).
func (e *Emulator) CreateTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.refuseTaskSets(ctx, in)
}

// UpdateTaskSet is refused for ECS-controller services.
func (e *Emulator) UpdateTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.refuseTaskSets(ctx, in)
}

// DeleteTaskSet is refused for ECS-controller services.
func (e *Emulator) DeleteTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.refuseTaskSets(ctx, in)
}

// UpdateServicePrimaryTaskSet is refused for ECS-controller services.
func (e *Emulator) UpdateServicePrimaryTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.refuseTaskSets(ctx, in)
}

// DescribeTaskSets describes no task sets: an ECS-controller service has none, so
// each one asked for is a MISSING failure.
func (e *Emulator) DescribeTaskSets(ctx context.Context, in *ecs.TaskSetInput) (*ecs.DescribeTaskSetsOutput, error) {
	if err := e.taskSetService(ctx, in); err != nil {
		return nil, err
	}
	out := &ecs.DescribeTaskSetsOutput{TaskSets: []struct{}{}, Failures: []ecs.Failure{}}
	for _, ts := range in.TaskSets {
		out.Failures = append(out.Failures, ecs.Failure{Arn: ts, Reason: "MISSING"})
	}
	return out, nil
}
