package check

import (
	"strconv"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// LaunchType refuses a launch type ecsmini does not run; empty means none given.
func LaunchType(lt string) error {
	if lt == "" || ecs.EnumLaunchType.Has(lt) {
		return nil
	}
	return ecs.InvalidParameter("Invalid launch type '%s'. Valid values: %s.", lt, ecs.EnumLaunchType.List())
}

// Launch applies ECS's checks of a task definition against the launch type.
func Launch(td *ecs.TaskDefinition, launch string, in *ecs.RunTaskInput) error {
	compatible := false
	for _, c := range td.Compatibilities {
		compatible = compatible || c == launch
	}
	if !compatible {
		return ecs.InvalidParameter("Task definition does not support launch_type %s.", launch)
	}
	awsvpc := ecs.Deref(td.NetworkMode) == ecs.NetworkAwsvpc
	hasNet := in.NetworkConfiguration != nil && in.NetworkConfiguration.AwsvpcConfiguration != nil
	switch {
	case awsvpc && !hasNet:
		return ecs.InvalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	case !awsvpc && hasNet:
		return ecs.InvalidParameter("Network Configuration is not valid for the given networkMode of this task definition.")
	case hasNet && len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) == 0:
		return ecs.InvalidParameter("subnets can not be empty.")
	case hasNet && len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) > 16:
		return ecs.InvalidParameter("subnets can have at most 16 items.")
	case hasNet && len(in.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups) > 5:
		return ecs.InvalidParameter("securityGroups can have at most 5 items.")
	case launch != ecs.LaunchFargate && in.PlatformVersion != "":
		return ecs.InvalidParameter("The platform version must be null when specifying an EC2 launch type.")
	}
	if o := in.Overrides; o != nil && o.EphemeralStorage != nil {
		if launch != ecs.LaunchFargate {
			return ecs.InvalidParameter("The ephemeralStorage override is only supported for tasks on Fargate.")
		}
		if n := o.EphemeralStorage.SizeInGiB; n < 21 || n > 200 {
			return ecs.InvalidParameter("The ephemeralStorage sizeInGiB override must be between 21 and 200 GiB.")
		}
	}
	if launch == ecs.LaunchFargate && in.PlatformVersion != "" && in.PlatformVersion != "LATEST" && !knownPlatformVersion(in.PlatformVersion) {
		return ecs.Errorf("PlatformUnknownException", "The specified platform version does not exist.")
	}
	if launch == ecs.LaunchFargate && in.PlatformVersion == "1.3.0" {
		// Features that arrived with 1.4.0 (tasks spec §3.2).
		if cpu, _ := strconv.Atoi(ecs.Deref(td.Cpu)); cpu >= 8192 {
			return ecs.Errorf("PlatformTaskDefinitionIncompatibilityException", "The specified platform does not satisfy the task definition’s required capabilities: 8 and 16 vCPU tasks need platform version 1.4.0 or later.")
		}
		if td.EphemeralStorage != nil || (in.Overrides != nil && in.Overrides.EphemeralStorage != nil) {
			return ecs.Errorf("PlatformTaskDefinitionIncompatibilityException", "The specified platform does not satisfy the task definition’s required capabilities: ephemeralStorage needs platform version 1.4.0 or later.")
		}
	}
	return nil
}

func knownPlatformVersion(v string) bool {
	switch v {
	case "1.4.0", "1.3.0":
		return true
	}
	return false
}
