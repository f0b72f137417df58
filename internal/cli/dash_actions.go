package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// dashActions are the dashboard's keys as the calls a user would make: ECS API
// operations, and ecsmini's endpoints for what ECS has no API for (Spot, retirement,
// the clock).
type dashActions struct {
	src *dashSource
}

func (a dashActions) ScaleService(ctx context.Context, cluster, service string, desired int) error {
	var out ecs.ServiceOutput
	return a.src.c.Call(ctx, "UpdateService", &ecs.UpdateServiceInput{Cluster: cluster, Service: service, DesiredCount: &desired}, &out)
}

func (a dashActions) ForceNewDeployment(ctx context.Context, cluster, service string) error {
	var out ecs.ServiceOutput
	return a.src.c.Call(ctx, "UpdateService", &ecs.UpdateServiceInput{Cluster: cluster, Service: service, ForceNewDeployment: true}, &out)
}

func (a dashActions) StopTask(ctx context.Context, cluster, taskARN, reason string) error {
	var out ecs.TaskOutput
	return a.src.c.Call(ctx, "StopTask", &ecs.StopTaskInput{Cluster: cluster, Task: taskARN, Reason: reason}, &out)
}

func (a dashActions) InterruptSpot(ctx context.Context, cluster, taskARN string) error {
	_, err := a.src.c.InterruptSpot(ctx, ecsminiapi.SpotInterrupt{Cluster: cluster, Tasks: []string{taskARN}})
	return err
}

// Retire schedules the retirement and remembers it for the snapshots (the AWS Health
// event says so too, but names a service's tasks by service).
func (a dashActions) Retire(ctx context.Context, cluster, service, taskARN string) (time.Time, error) {
	in := emulator.RetireRequest{Cluster: cluster, Service: service}
	if taskARN != "" {
		in.Tasks = []string{taskARN}
	}
	out, err := a.src.c.Retire(ctx, in)
	if err != nil {
		return time.Time{}, err
	}
	if len(out.Retirements) == 0 {
		return time.Time{}, fmt.Errorf("nothing to retire: no running Fargate task there")
	}
	for _, r := range out.Retirements {
		a.src.noteRetirement(r.TaskArn, r.RetireAt)
	}
	return out.Retirements[0].RetireAt, nil
}

func (a dashActions) AddInstance(ctx context.Context, cluster, instanceType, az string) error {
	_, err := a.src.c.AddInstances(ctx, ecsminiapi.InstanceAdd{Cluster: cluster, Type: instanceType, AZ: az})
	return err
}

func (a dashActions) TerminateInstance(ctx context.Context, cluster, instanceARN string) error {
	_, err := a.src.c.RemoveInstances(ctx, ecsminiapi.InstanceRefs{Cluster: cluster, Instances: []string{instanceARN}})
	return err
}

func (a dashActions) InterruptSpotInstance(ctx context.Context, cluster, instanceARN string) error {
	_, err := a.src.c.InterruptSpotInstances(ctx, ecsminiapi.InstanceRefs{Cluster: cluster, Instances: []string{instanceARN}})
	return err
}

func (a dashActions) SetInstanceState(ctx context.Context, cluster, instanceARN, status string) error {
	var out ecs.ContainerInstancesOutput
	err := a.src.c.Call(ctx, "UpdateContainerInstancesState", &ecs.UpdateContainerInstancesStateInput{
		Cluster: cluster, ContainerInstances: []string{instanceARN}, Status: status}, &out)
	if err == nil && len(out.Failures) > 0 {
		return fmt.Errorf("%s: %s %s", out.Failures[0].Arn, out.Failures[0].Reason, out.Failures[0].Detail)
	}
	return err
}

func (a dashActions) SetSpotCapacity(ctx context.Context, cluster string, available bool) error {
	_, err := a.src.c.SetSpotCapacity(ctx, cluster, available)
	return err
}

func (a dashActions) AdvanceClock(ctx context.Context, span string) error {
	_, err := a.src.c.MoveClock(ctx, ecsminiapi.ClockRequest{Advance: span})
	return err
}
