package tasksetctl

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// CheckService applies CreateService's rules for the EXTERNAL and CODE_DEPLOY
// deployment controllers; it accepts every other controller. An EXTERNAL service
// takes what runs from its task sets, so it names no task definition, launch,
// network, load balancer or registry itself; a CODE_DEPLOY service needs a task
// definition and a load balancer for its traffic shifts.
func CheckService(in *ecs.CreateServiceInput) error {
	c := in.DeploymentController
	if c == nil || (c.Type != ecs.ControllerExternal && c.Type != ecs.ControllerCodeDeploy) {
		return nil
	}
	if in.SchedulingStrategy == ecs.SchedulingDaemon {
		return ecs.InvalidParameter("The %s deployment controller does not support the DAEMON scheduling strategy.", c.Type)
	}
	if len(in.ServiceConnectConfiguration) > 0 && string(in.ServiceConnectConfiguration) != "null" {
		return ecs.InvalidParameter("Service Connect is not supported for services with the %s deployment controller.", c.Type)
	}
	if c.Type == ecs.ControllerCodeDeploy {
		if len(in.LoadBalancers) == 0 {
			return ecs.InvalidParameter("A load balancer is required for services with the CODE_DEPLOY deployment controller.")
		}
		return nil
	}
	for _, f := range []struct {
		set  bool
		name string
	}{
		{in.TaskDefinition != "", "taskDefinition"},
		{in.LaunchType != "", "launchType"},
		{len(in.CapacityProviderStrategy) > 0, "capacityProviderStrategy"},
		{in.PlatformVersion != "", "platformVersion"},
		{in.NetworkConfiguration != nil, "networkConfiguration"},
		{len(in.LoadBalancers) > 0, "loadBalancers"},
		{len(in.ServiceRegistries) > 0, "serviceRegistries"},
	} {
		if f.set {
			return ecs.InvalidParameter("%s can not be specified for a service with the EXTERNAL deployment controller; specify it on the service's task sets.", f.name)
		}
	}
	return nil
}

// CheckUpdate applies UpdateService's limits on a task set service: EXTERNAL
// services change only their desired count, placement, health check grace period
// and tag options; CODE_DEPLOY services also their deployment configuration, and
// ecsmini lets their task definition change (it starts a deployment, as CodeDeploy
// would be asked to).
func CheckUpdate(s *ecs.Service, in *ecs.UpdateServiceInput) error {
	ctrl := s.DeploymentController.Type
	how := "Use AWS CodeDeploy to trigger a new deployment."
	if ctrl == ecs.ControllerExternal {
		how = "Use task sets to change it."
	}
	for _, f := range []struct {
		set  bool
		name string
	}{
		{in.TaskDefinition != nil && ctrl == ecs.ControllerExternal, "task definition"},
		{in.NetworkConfiguration != nil, "network parameters"},
		{in.PlatformVersion != nil, "platform version"},
		{in.LoadBalancers != nil, "load balancers"},
		{in.CapacityProviderStrategy != nil, "capacity provider strategy"},
		{in.ServiceRegistries != nil, "service registries"},
		{len(in.ServiceConnectConfiguration) > 0, "Service Connect configuration"},
		{len(in.VolumeConfigurations) > 0, "volume configurations"},
		{in.ForceNewDeployment, "forceNewDeployment"},
		{in.DeploymentConfiguration != nil && ctrl == ecs.ControllerExternal, "deployment configuration"},
	} {
		if f.set {
			return ecs.InvalidParameter("Unable to update %s on services with a %s deployment controller. %s", f.name, ctrl, how)
		}
	}
	if c := in.DeploymentController; c != nil && c.Type != "" && c.Type != ctrl {
		return ecs.InvalidParameter("Unable to update the deployment controller of a service with a %s deployment controller.", ctrl)
	}
	return nil
}
