package emulator

import (
	"cmp"
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicedefs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
	"github.com/ecsmini/ecsmini/emulator/tasksetctl"
)

// CreateService records a service with one PRIMARY deployment IN_PROGRESS and leaves
// the tasks to the control loop, as ECS answers before any task exists (spec §5.1).
func (e *Emulator) CreateService(ctx context.Context, in *ecs.CreateServiceInput) (*ecs.ServiceOutput, error) {
	if err := servicedefs.CreateInput(in); err != nil {
		return nil, err
	}
	if err := servicedefs.ExternalService(in); err != nil {
		return nil, err
	}
	if err := tasksetctl.CheckService(in); err != nil {
		return nil, err
	}
	controller := ecs.ControllerECS
	if in.DeploymentController != nil && in.DeploymentController.Type != "" {
		controller = in.DeploymentController.Type
	}
	if err := strategy.Validate(in.DeploymentConfiguration, in.LoadBalancers, in.SchedulingStrategy == ecs.SchedulingDaemon); err != nil {
		return nil, err
	}
	sc := e.st.Scope(ctx)
	fingerprint := servicedefs.Fingerprint(in)
	var out *ecs.Service
	var k string
	err := e.store.Update(func(tx *store.Tx) error {
		ck, cluster, err := e.clusterForUse(ctx, tx, in.Cluster)
		if err != nil {
			return err
		}
		k = state.ServiceKey(state.LastRegion(ck), cluster.ClusterName, in.ServiceName)
		if old, ok := e.services.Get(k); ok {
			switch {
			case old.Service.Status == ecs.ServiceDraining:
				return ecs.InvalidParameter("Unable to Start a service that is still Draining.")
			case old.Service.Status == ecs.ServiceActive && old.Request == fingerprint:
				out = old.Present(false)
				return nil
			case old.Service.Status == ecs.ServiceActive:
				return ecs.InvalidParameter("Creation of service was not idempotent.")
			}
		}
		dep := &ecs.Deployment{} // an EXTERNAL service's task sets say what runs
		if controller != ecs.ControllerExternal {
			if dep, err = e.newDeployment(ctx, sc, cluster, serviceLaunch{
				taskDefinition: in.TaskDefinition, launchType: in.LaunchType, strategy: in.CapacityProviderStrategy,
				platformVersion: in.PlatformVersion, network: in.NetworkConfiguration, loadBalancers: in.LoadBalancers,
				scheduling: in.SchedulingStrategy, volumes: servicedefs.NoVolumes(in.VolumeConfigurations),
			}); err != nil {
				return err
			}
		}
		if err := e.checkServiceConnect(in.ServiceConnectConfiguration, dep.TaskDefinition, cluster); err != nil {
			return err
		}
		now := e.cfg.Clock.Now()
		s := &ecs.Service{
			ServiceArn: sc.ServiceARN(cluster.ClusterName, in.ServiceName), ServiceName: in.ServiceName,
			ClusterArn: cluster.ClusterArn, LoadBalancers: nonNil(in.LoadBalancers), ServiceRegistries: nonNil(in.ServiceRegistries),
			Status: ecs.ServiceActive, DesiredCount: ecs.Deref(in.DesiredCount),
			LaunchType: dep.LaunchType, CapacityProviderStrategy: dep.CapacityProviderStrategy,
			TaskDefinition: dep.TaskDefinition, DeploymentConfiguration: servicedefs.DeploymentConfig(in.DeploymentConfiguration, servicedefs.Scheduling(in.SchedulingStrategy)),
			Events: []ecs.ServiceEvent{}, CreatedAt: ecs.At(now), CreatedBy: sc.RootPrincipal(),
			PlacementConstraints: nonNil(in.PlacementConstraints), PlacementStrategy: nonNil(in.PlacementStrategy),
			NetworkConfiguration: in.NetworkConfiguration, HealthCheckGracePeriodSeconds: in.HealthCheckGracePeriodSeconds,
			SchedulingStrategy: servicedefs.Scheduling(in.SchedulingStrategy), DeploymentController: &ecs.DeploymentController{Type: controller},
			Tags: nonNil(in.Tags), EnableECSManagedTags: in.EnableECSManagedTags, PropagateTags: cmp.Or(in.PropagateTags, "NONE"),
			EnableExecuteCommand: in.EnableExecuteCommand, AvailabilityZoneRebalancing: cmp.Or(in.AvailabilityZoneRebalancing, "ENABLED"),
		}
		if s.SchedulingStrategy == ecs.SchedulingDaemon {
			// One task per eligible container instance: the scheduler counts them
			// (daemonDesired); a cluster without instances runs none.
			s.DesiredCount = 0
		}
		if dep.PlatformFamily != "" {
			// Fargate, by launch type or by a FARGATE/FARGATE_SPOT capacity provider
			// strategy: the service carries the platform either way.
			s.PlatformVersion, s.PlatformFamily = "LATEST", "Linux"
			if in.PlatformVersion != "" {
				s.PlatformVersion = in.PlatformVersion
			}
		}
		if len(in.LoadBalancers) > 0 || in.NetworkConfiguration != nil {
			s.RoleArn = "arn:aws:iam::" + sc.Account + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
		}
		if in.Role != "" {
			s.RoleArn = servicedefs.RoleARN(sc, in.Role)
		}
		if in.HealthCheckGracePeriodSeconds == nil && len(in.LoadBalancers) > 0 {
			s.HealthCheckGracePeriodSeconds = ecs.Ptr(0)
		}
		dep.DesiredCount = s.DesiredCount
		dep.ServiceConnectConfiguration = in.ServiceConnectConfiguration
		dep.CreatedAt, dep.UpdatedAt = ecs.At(now), ecs.At(now)
		rec := &serviceRecord{Service: s, ClusterName: cluster.ClusterName, ClientToken: in.ClientToken,
			Request: fingerprint, Deployments: []deploymentRecord{{Deployment: *dep}}}
		if state.UsesTaskSets(s) {
			rec.Deployments = nil // task sets instead
			if controller == ecs.ControllerCodeDeploy {
				tasksetctl.Initial(sc, rec, launchOf(dep), now)
			}
		}
		e.putService(tx, k, rec)
		out = rec.Present(false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.ctl.MarkDirty(k)
	return &ecs.ServiceOutput{Service: out}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
