package emulator

import (
	"context"
	"encoding/json"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicedefs"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
)

// serviceLaunch is what a deployment launches tasks with.
type serviceLaunch struct {
	taskDefinition  string
	launchType      string
	strategy        []ecs.CapacityProviderStrategyItem
	platformVersion string
	network         *ecs.NetworkConfiguration
	loadBalancers   []ecs.LoadBalancer
	scheduling      string
	volumes         json.RawMessage // volumeConfigurations, as the client sent them
}

// newDeployment checks a launch as RunTask would and returns a PRIMARY deployment
// IN_PROGRESS for it (spec §5.2, §5.7). It must run inside a store Update.
func (e *Emulator) newDeployment(ctx context.Context, sc ecs.Scope, cluster *ecs.Cluster, l serviceLaunch) (*ecs.Deployment, error) {
	if l.launchType != "" && len(l.strategy) > 0 {
		return nil, ecs.InvalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	if err := check.LaunchType(l.launchType); err != nil {
		return nil, err
	}
	_, rec, err := taskdefs.Resolve(ctx, e.st, l.taskDefinition)
	if ee, ok := ecs.AsError(err); ok && ee.Code == ecs.CodeClient {
		return nil, ecs.ClientError("TaskDefinition not found.") // CreateService's wording
	}
	if err != nil {
		return nil, err
	}
	if rec.Status != ecs.TaskDefActive {
		return nil, ecs.ClientError("TaskDefinition is inactive")
	}
	td, err := rec.Decode()
	if err != nil {
		return nil, err
	}
	run := &ecs.RunTaskInput{LaunchType: l.launchType, CapacityProviderStrategy: l.strategy,
		NetworkConfiguration: l.network, PlatformVersion: l.platformVersion}
	launch := l.launchType
	var strategy []ecs.CapacityProviderStrategyItem
	if launch == "" {
		if launch, _, err = e.launchPlan(sc, cluster, run, 1); err != nil {
			return nil, err
		}
		if len(l.strategy) > 0 || len(cluster.DefaultCapacityProviderStrategy) > 0 {
			strategy = l.strategy
			if len(strategy) == 0 {
				strategy = cluster.DefaultCapacityProviderStrategy
			}
		}
	}
	if err := check.Launch(td, launch, run); err != nil {
		return nil, err
	}
	if l.scheduling == ecs.SchedulingDaemon && launch == ecs.LaunchFargate {
		return nil, ecs.InvalidParameter("The DAEMON scheduling strategy is not supported with the FARGATE launch type.")
	}
	if err := checkLoadBalancers(td, l.loadBalancers); err != nil {
		return nil, err
	}
	if err := servicedefs.VolumeConfigurations(td, l.volumes); err != nil {
		return nil, err
	}
	d := &ecs.Deployment{
		ID: newDeploymentID(), Status: ecs.DeploymentPrimary, TaskDefinition: td.TaskDefinitionArn,
		CapacityProviderStrategy: strategy, NetworkConfiguration: l.network, RolloutState: ecs.RolloutInProgress,
		VolumeConfigurations: l.volumes,
	}
	if len(strategy) == 0 {
		d.LaunchType = launch
	}
	d.RolloutStateReason = "ECS deployment " + d.ID + " in progress."
	if launch == ecs.LaunchFargate {
		d.PlatformVersion, d.PlatformFamily = latestPlatformVersion, "Linux"
		if l.platformVersion != "" && l.platformVersion != "LATEST" {
			d.PlatformVersion = l.platformVersion
		}
	}
	return d, nil
}

// checkLoadBalancers requires each load balancer's container to exist in the task
// definition and to map the port (ECS checks the same at create and update).
func checkLoadBalancers(td *ecs.TaskDefinition, lbs []ecs.LoadBalancer) error {
	for _, lb := range lbs {
		var cd *ecs.ContainerDefinition
		for i := range td.ContainerDefinitions {
			if ecs.Deref(td.ContainerDefinitions[i].Name) == lb.ContainerName {
				cd = &td.ContainerDefinitions[i]
			}
		}
		if cd == nil {
			return ecs.InvalidParameter("The container %s does not exist in the task definition.", lb.ContainerName)
		}
		port := ecs.Deref(lb.ContainerPort)
		mapped := false
		for _, pm := range cd.PortMappings {
			if ecs.Deref(pm.ContainerPort) == port {
				mapped = true
			}
		}
		if !mapped {
			return ecs.InvalidParameter("The container %s did not have a container port %d defined.", lb.ContainerName, port)
		}
	}
	return nil
}
