package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
	"github.com/ecsmini/ecsmini/emulator/tasksetctl"
)

// The task set operations, for services with the EXTERNAL deployment controller
// (package tasksetctl does the work; a CODE_DEPLOY service's task sets can be
// described only). ECS answers task set management on an ECS-controller service with
// an InvalidParameterException and describes no task sets of it.

// taskSetPasses connects the task set reconciler to the services reconciler.
type taskSetPasses struct{ c *tasksetctl.Ctl }

func (p taskSetPasses) Reconcile(k string, now time.Time, members []string) (servicectl.TaskSetPass, error) {
	pass, err := p.c.Reconcile(k, now, members)
	return servicectl.TaskSetPass{Wake: pass.Wake, Forget: pass.Forget, Started: pass.Started, Released: pass.Released}, err
}

// launchOf is how a deployment's tasks run, for a task set.
func launchOf(d *ecs.Deployment) tasksetctl.Launch {
	return tasksetctl.Launch{TaskDefinition: d.TaskDefinition, LaunchType: d.LaunchType,
		CapacityProviderStrategy: d.CapacityProviderStrategy, PlatformVersion: d.PlatformVersion,
		PlatformFamily: d.PlatformFamily, NetworkConfiguration: d.NetworkConfiguration}
}

// CreateTaskSet adds a task set to an EXTERNAL service; the launch is checked as
// CreateService checks a service's.
func (e *Emulator) CreateTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	if err := tasksetctl.CheckCreate(in); err != nil {
		return nil, err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	sc := e.st.Scope(ctx)
	return e.changeTaskSets(ctx, in, func(k string, r *serviceRecord, now time.Time) (*ecs.TaskSet, error) {
		cluster, ok := e.clusters.Get(state.Key(state.LastRegion(k), r.ClusterName))
		if !ok {
			return nil, ecs.Errorf(ecs.CodeClusterNotFound, "Cluster not found.")
		}
		dep, err := e.newDeployment(ctx, sc, cluster, serviceLaunch{taskDefinition: in.TaskDefinition,
			launchType: in.LaunchType, strategy: in.CapacityProviderStrategy, platformVersion: in.PlatformVersion,
			network: in.NetworkConfiguration, loadBalancers: in.LoadBalancers, scheduling: r.Service.SchedulingStrategy})
		if err != nil {
			return nil, err
		}
		return tasksetctl.Create(sc, r, launchOf(dep), in, now), nil
	})
}

// UpdateTaskSet changes a task set's scale.
func (e *Emulator) UpdateTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.changeTaskSets(ctx, in, func(_ string, r *serviceRecord, now time.Time) (*ecs.TaskSet, error) {
		return tasksetctl.Update(r, in, now)
	})
}

// DeleteTaskSet drains a task set and then forgets it.
func (e *Emulator) DeleteTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.changeTaskSets(ctx, in, func(_ string, r *serviceRecord, now time.Time) (*ecs.TaskSet, error) {
		return tasksetctl.Delete(r, in, now)
	})
}

// UpdateServicePrimaryTaskSet makes a task set the service's PRIMARY one.
func (e *Emulator) UpdateServicePrimaryTaskSet(ctx context.Context, in *ecs.TaskSetInput) (*ecs.TaskSetOutput, error) {
	return e.changeTaskSets(ctx, in, func(_ string, r *serviceRecord, now time.Time) (*ecs.TaskSet, error) {
		return tasksetctl.UpdatePrimary(r, in, now)
	})
}

// changeTaskSets applies change to a copy of an EXTERNAL service, commits it and has
// the control loop pass it again.
func (e *Emulator) changeTaskSets(ctx context.Context, in *ecs.TaskSetInput, change func(k string, r *serviceRecord, now time.Time) (*ecs.TaskSet, error)) (*ecs.TaskSetOutput, error) {
	var out *ecs.TaskSet
	var k string
	err := e.store.Update(func(tx *store.Tx) error {
		key, old, err := tasksetctl.Find(ctx, e.st, in, true)
		if err != nil {
			return err
		}
		k = key
		r := old.Clone()
		if out, err = change(k, r, e.cfg.Clock.Now()); err != nil {
			return err
		}
		e.putService(tx, k, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.ctl.MarkDirty(k)
	return &ecs.TaskSetOutput{TaskSet: out}, nil
}

// DescribeTaskSets describes the task sets of a service; an ECS-controller service
// has none, so each one asked for is a MISSING failure.
func (e *Emulator) DescribeTaskSets(ctx context.Context, in *ecs.TaskSetInput) (*ecs.DescribeTaskSetsOutput, error) {
	var out *ecs.DescribeTaskSetsOutput
	var err error
	e.store.View(func() {
		var r *serviceRecord
		if _, r, err = tasksetctl.Find(ctx, e.st, in, false); err != nil {
			return
		}
		if !state.UsesTaskSets(r.Service) {
			r = &serviceRecord{Service: r.Service} // no task sets
		}
		out = tasksetctl.Describe(r, in)
	})
	return out, err
}

// updateTaskSetService is UpdateService for an EXTERNAL or CODE_DEPLOY service: only
// what ECS lets such a service change; a CODE_DEPLOY service's new task definition
// starts ecsmini's stand-in for a CodeDeploy deployment (tasksetctl.Replace).
func (e *Emulator) updateTaskSetService(ctx context.Context, sc ecs.Scope, k string, r *serviceRecord, in *ecs.UpdateServiceInput) error {
	if err := tasksetctl.CheckUpdate(r.Service, in); err != nil {
		return err
	}
	s := r.Service
	if in.DesiredCount != nil {
		s.DesiredCount = *in.DesiredCount
	}
	if in.HealthCheckGracePeriodSeconds != nil {
		s.HealthCheckGracePeriodSeconds = in.HealthCheckGracePeriodSeconds
	}
	if in.EnableECSManagedTags != nil {
		s.EnableECSManagedTags = *in.EnableECSManagedTags
	}
	if in.PropagateTags != nil {
		s.PropagateTags = *in.PropagateTags
	}
	if in.EnableExecuteCommand != nil {
		s.EnableExecuteCommand = *in.EnableExecuteCommand
	}
	if in.PlacementConstraints != nil {
		s.PlacementConstraints = in.PlacementConstraints
	}
	if in.PlacementStrategy != nil {
		s.PlacementStrategy = in.PlacementStrategy
	}
	if dc := in.DeploymentConfiguration; dc != nil {
		merged := *s.DeploymentConfiguration
		if dc.MaximumPercent != nil {
			merged.MaximumPercent = dc.MaximumPercent
		}
		if dc.MinimumHealthyPercent != nil {
			merged.MinimumHealthyPercent = dc.MinimumHealthyPercent
		}
		s.DeploymentConfiguration = &merged
	}
	if in.TaskDefinition == nil || *in.TaskDefinition == "" {
		return nil
	}
	cluster, ok := e.clusters.Get(state.Key(state.LastRegion(k), r.ClusterName))
	if !ok {
		return ecs.Errorf(ecs.CodeClusterNotFound, "Cluster not found.")
	}
	dep, err := e.newDeployment(ctx, sc, cluster, serviceLaunch{taskDefinition: *in.TaskDefinition,
		launchType: s.LaunchType, strategy: s.CapacityProviderStrategy, platformVersion: s.PlatformVersion,
		network: s.NetworkConfiguration, loadBalancers: s.LoadBalancers, scheduling: s.SchedulingStrategy})
	if err != nil {
		return err
	}
	if dep.TaskDefinition == s.TaskDefinition {
		return nil // the same revision again: nothing to deploy
	}
	return tasksetctl.Replace(sc, r, launchOf(dep), e.cfg.Clock.Now())
}
