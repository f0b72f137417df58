package servicedefs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// CreateInput applies CreateService's checks that need no state.
func CreateInput(in *ecs.CreateServiceInput) error {
	switch {
	case in.ServiceName == "":
		return ecs.InvalidParameter("Service name can not be blank.")
	case !NameRE.MatchString(in.ServiceName):
		return ecs.InvalidParameter("Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.")
	case len(in.ClientToken) > 36:
		return ecs.InvalidParameter("clientToken can have up to 36 characters.")
	}
	if err := Controller(in.DeploymentController); err != nil {
		return err
	}
	if err := AZRebalancing(in.AvailabilityZoneRebalancing); err != nil {
		return err
	}
	if err := Role(in); err != nil {
		return err
	}
	switch Scheduling(in.SchedulingStrategy) {
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
	if in.DesiredCount != nil && (*in.DesiredCount < 0 || *in.DesiredCount > MaxTasks) {
		return ecs.InvalidParameter("desiredCount must be between 0 and %d.", MaxTasks)
	}
	if in.TaskDefinition == "" {
		return ecs.InvalidParameter("TaskDefinition can not be blank.")
	}
	if err := admission.CheckPlacement(in.LaunchType, in.PlacementStrategy, in.PlacementConstraints); err != nil {
		return err
	}
	if err := Common(in.DeploymentConfiguration, in.HealthCheckGracePeriodSeconds, in.PropagateTags,
		in.LoadBalancers, in.PlacementConstraints, in.PlacementStrategy); err != nil {
		return err
	}
	return tagging.Validate(in.Tags)
}

// MaxTasks is ECS's quota of tasks per service.
const MaxTasks = 5000

// Controller accepts the ECS (rolling update) controller. CODE_DEPLOY and EXTERNAL
// need task sets and AWS CodeDeploy, which ecsmini does not emulate: it refuses them
// rather than accept a service it would never run.
func Controller(c *ecs.DeploymentController) error {
	if c == nil || c.Type == "" || c.Type == ecs.ControllerECS {
		return nil
	}
	if c.Type == ecs.ControllerCodeDeploy || c.Type == ecs.ControllerExternal {
		return ecs.InvalidParameter("ecsmini supports the ECS deployment controller only; %s deployments (task sets) are not emulated.", c.Type)
	}
	return ecs.InvalidParameter("Invalid deploymentController type '%s'. Valid values: %s.", c.Type, ecs.EnumDeploymentController.List())
}

// Common checks what CreateService and UpdateService share.
func Common(dc *ecs.DeploymentConfiguration, grace *int, propagate string, lbs []ecs.LoadBalancer,
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

// Scheduling is a service's scheduling strategy, REPLICA when none is given.
func Scheduling(s string) string {
	if s == "" {
		return ecs.SchedulingReplica
	}
	return s
}

// DeploymentConfig is the configuration DescribeServices shows: ECS's REPLICA defaults
// filled in and the circuit breaker always present.
func DeploymentConfig(in *ecs.DeploymentConfiguration, scheduling string) *ecs.DeploymentConfiguration {
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

// Fingerprint identifies a CreateService request apart from its client token.
func Fingerprint(in *ecs.CreateServiceInput) string {
	c := *in
	c.ClientToken = ""
	b, _ := json.Marshal(&c) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AZRebalancing refuses an availabilityZoneRebalancing the model lacks; empty means
// none given (CreateService then defaults to ENABLED, UpdateService keeps the service's).
func AZRebalancing(v string) error {
	if v == "" || ecs.EnumAZRebalancing.Has(v) {
		return nil
	}
	return ecs.InvalidParameter("Invalid availabilityZoneRebalancing '%s'. Valid values: %s.", v, ecs.EnumAZRebalancing.List())
}

// UpdateInput applies UpdateService's checks that need no state.
func UpdateInput(in *ecs.UpdateServiceInput) error {
	if in.Service == "" {
		return ecs.InvalidParameter("Service can not be blank.")
	}
	if err := Controller(in.DeploymentController); err != nil {
		return err
	}
	if err := AZRebalancing(ecs.Deref(in.AvailabilityZoneRebalancing)); err != nil {
		return err
	}
	if in.DesiredCount != nil && (*in.DesiredCount < 0 || *in.DesiredCount > MaxTasks) {
		return ecs.InvalidParameter("desiredCount must be between 0 and %d.", MaxTasks)
	}
	return Common(in.DeploymentConfiguration, in.HealthCheckGracePeriodSeconds, ecs.Deref(in.PropagateTags),
		in.LoadBalancers, in.PlacementConstraints, in.PlacementStrategy)
}

// NameRE is what a service name may be (and a daemon's, a gateway's).
var NameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
