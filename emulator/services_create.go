package emulator

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// CreateService records a service with one PRIMARY deployment IN_PROGRESS and leaves
// the tasks to the control loop, as ECS answers before any task exists (spec §5.1).
func (e *Emulator) CreateService(ctx context.Context, in *ecs.CreateServiceInput) (*ecs.ServiceOutput, error) {
	if err := checkServiceInput(in); err != nil {
		return nil, err
	}
	if err := checkExternalService(in); err != nil {
		return nil, err
	}
	sc := e.st.Scope(ctx)
	fingerprint := requestFingerprint(in)
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
		dep, err := e.newDeployment(ctx, sc, cluster, serviceLaunch{
			taskDefinition: in.TaskDefinition, launchType: in.LaunchType, strategy: in.CapacityProviderStrategy,
			platformVersion: in.PlatformVersion, network: in.NetworkConfiguration, loadBalancers: in.LoadBalancers,
			scheduling: in.SchedulingStrategy, volumes: noVolumes(in.VolumeConfigurations),
		})
		if err != nil {
			return err
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
			TaskDefinition: dep.TaskDefinition, DeploymentConfiguration: deploymentConfig(in.DeploymentConfiguration, schedulingOf(in.SchedulingStrategy)),
			Events: []ecs.ServiceEvent{}, CreatedAt: ecs.At(now), CreatedBy: sc.RootPrincipal(),
			PlacementConstraints: nonNil(in.PlacementConstraints), PlacementStrategy: nonNil(in.PlacementStrategy),
			NetworkConfiguration: in.NetworkConfiguration, HealthCheckGracePeriodSeconds: in.HealthCheckGracePeriodSeconds,
			SchedulingStrategy: schedulingOf(in.SchedulingStrategy), DeploymentController: &ecs.DeploymentController{Type: ecs.ControllerECS},
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
			s.RoleArn = roleARN(sc, in.Role)
		}
		if in.HealthCheckGracePeriodSeconds == nil && len(in.LoadBalancers) > 0 {
			s.HealthCheckGracePeriodSeconds = ecs.Ptr(0)
		}
		dep.DesiredCount = s.DesiredCount
		dep.ServiceConnectConfiguration = in.ServiceConnectConfiguration
		dep.CreatedAt, dep.UpdatedAt = ecs.At(now), ecs.At(now)
		rec := &serviceRecord{Service: s, ClusterName: cluster.ClusterName, ClientToken: in.ClientToken,
			Request: fingerprint, Deployments: []deploymentRecord{{Deployment: *dep}}}
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

// checkServiceInput applies the checks that need no state.
func checkServiceInput(in *ecs.CreateServiceInput) error {
	switch {
	case in.ServiceName == "":
		return ecs.InvalidParameter("Service name can not be blank.")
	case !serviceNameRE.MatchString(in.ServiceName):
		return ecs.InvalidParameter("Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.")
	case len(in.ClientToken) > 36:
		return ecs.InvalidParameter("clientToken can have up to 36 characters.")
	}
	if err := checkController(in.DeploymentController); err != nil {
		return err
	}
	if err := checkAZRebalancing(in.AvailabilityZoneRebalancing); err != nil {
		return err
	}
	if err := checkRole(in); err != nil {
		return err
	}
	switch schedulingOf(in.SchedulingStrategy) {
	case ecs.SchedulingReplica:
		if in.DesiredCount == nil {
			return ecs.InvalidParameter("The desiredCount parameter is required for services with the REPLICA scheduling strategy.")
		}
	case ecs.SchedulingDaemon:
		if in.LaunchType == ecs.LaunchFargate {
			return ecs.InvalidParameter("The DAEMON scheduling strategy is not supported with the FARGATE launch type.")
		}
		if dc := in.DeploymentConfiguration; dc != nil && dc.MaximumPercent != nil && *dc.MaximumPercent > 100 {
			return ecs.InvalidParameter("The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again")
		}
		if len(in.PlacementStrategy) > 0 {
			return ecs.InvalidParameter("The daemon scheduling strategy does not support placement strategies.")
		}
		if len(in.CapacityProviderStrategy) > 0 {
			return ecs.InvalidParameter("The daemon scheduling strategy does not support capacity provider strategies.")
		}
	default:
		return ecs.InvalidParameter("Invalid schedulingStrategy '%s'. Valid values: %s.", in.SchedulingStrategy, ecs.EnumSchedulingStrategy.List())
	}
	if in.DesiredCount != nil && (*in.DesiredCount < 0 || *in.DesiredCount > maxServiceTasks) {
		return ecs.InvalidParameter("desiredCount must be between 0 and %d.", maxServiceTasks)
	}
	if in.TaskDefinition == "" {
		return ecs.InvalidParameter("TaskDefinition can not be blank.")
	}
	if err := admission.CheckPlacement(in.LaunchType, in.PlacementStrategy, in.PlacementConstraints); err != nil {
		return err
	}
	if err := checkServiceCommon(in.DeploymentConfiguration, in.HealthCheckGracePeriodSeconds, in.PropagateTags,
		in.LoadBalancers, in.PlacementConstraints, in.PlacementStrategy); err != nil {
		return err
	}
	if err := strategy.Validate(in.DeploymentConfiguration, in.LoadBalancers, schedulingOf(in.SchedulingStrategy) == ecs.SchedulingDaemon); err != nil {
		return err
	}
	return tagging.Validate(in.Tags)
}

// maxServiceTasks is ECS's quota of tasks per service.
const maxServiceTasks = 5000

// checkController accepts the ECS (rolling update) controller. CODE_DEPLOY and EXTERNAL
// need task sets and AWS CodeDeploy, which ecsmini does not emulate: it refuses them
// rather than accept a service it would never run.
func checkController(c *ecs.DeploymentController) error {
	if c == nil || c.Type == "" || c.Type == ecs.ControllerECS {
		return nil
	}
	if c.Type == ecs.ControllerCodeDeploy || c.Type == ecs.ControllerExternal {
		return ecs.InvalidParameter("ecsmini supports the ECS deployment controller only; %s deployments (task sets) are not emulated.", c.Type)
	}
	return ecs.InvalidParameter("Invalid deploymentController type '%s'. Valid values: %s.", c.Type, ecs.EnumDeploymentController.List())
}

// checkServiceCommon checks what CreateService and UpdateService share.
func checkServiceCommon(dc *ecs.DeploymentConfiguration, grace *int, propagate string, lbs []ecs.LoadBalancer,
	pc []ecs.PlacementConstraint, ps []ecs.PlacementStrategy) error {
	if dc != nil {
		lo, hi := 100, 200
		if dc.MinimumHealthyPercent != nil {
			lo = *dc.MinimumHealthyPercent
		}
		if dc.MaximumPercent != nil {
			hi = *dc.MaximumPercent
		}
		switch {
		case lo < 0 || lo > 100:
			return ecs.InvalidParameter("minimumHealthyPercent must be between 0 and 100.")
		case hi < 100 && !(lo == 0 && hi > 0):
			return ecs.InvalidParameter("maximumPercent must be at least 100 unless minimumHealthyPercent is 0.")
		case hi > 200:
			return ecs.InvalidParameter("maximumPercent must be at most 200.")
		case hi <= lo:
			return ecs.InvalidParameter("maximumPercent must be greater than minimumHealthyPercent.")
		}
	}
	if grace != nil && *grace < 0 {
		return ecs.InvalidParameter("healthCheckGracePeriodSeconds must be at least 0.")
	}
	if propagate != "" && !ecs.EnumPropagateTags.Has(propagate) {
		return ecs.InvalidParameter("Invalid propagateTags '%s'. Valid values: %s.", propagate, ecs.EnumPropagateTags.List())
	}
	if len(lbs) > 5 {
		return ecs.InvalidParameter("loadBalancers can have at most 5 items.")
	}
	for _, lb := range lbs {
		switch {
		case lb.TargetGroupArn == "" && lb.LoadBalancerName == "":
			return ecs.InvalidParameter("A load balancer needs a targetGroupArn or a loadBalancerName.")
		case lb.ContainerName == "" || lb.ContainerPort == nil:
			return ecs.InvalidParameter("A load balancer needs a containerName and a containerPort.")
		}
	}
	if len(pc) > 10 {
		return ecs.InvalidParameter("placementConstraints can have at most 10 items.")
	}
	if len(ps) > 5 {
		return ecs.InvalidParameter("placementStrategy can have at most 5 items.")
	}
	return ec2sim.ValidatePlacement(ps, pc)
}

func schedulingOf(s string) string {
	if s == "" {
		return ecs.SchedulingReplica
	}
	return s
}

// deploymentConfig is the configuration DescribeServices shows: ECS's REPLICA defaults
// filled in and the circuit breaker always present.
func deploymentConfig(in *ecs.DeploymentConfiguration, scheduling string) *ecs.DeploymentConfiguration {
	out := &ecs.DeploymentConfiguration{}
	if in != nil {
		*out = *in
	}
	// DAEMON services replace a task in place on its instance: ECS's defaults are 0 %
	// and 100 % for them (spec §5.3).
	lo, hi := 100, 200
	if scheduling == ecs.SchedulingDaemon {
		lo, hi = 0, 100
	}
	if out.MaximumPercent == nil {
		out.MaximumPercent = ecs.Ptr(hi)
	}
	if out.MinimumHealthyPercent == nil {
		out.MinimumHealthyPercent = ecs.Ptr(lo)
	}
	if out.DeploymentCircuitBreaker == nil {
		out.DeploymentCircuitBreaker = &ecs.DeploymentCircuitBreaker{}
	}
	return out
}

// requestFingerprint identifies a CreateService request apart from its client token.
func requestFingerprint(in *ecs.CreateServiceInput) string {
	c := *in
	c.ClientToken = ""
	b, _ := json.Marshal(&c) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
