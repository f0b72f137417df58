package ecs_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// values turns an SDK enum's Values() into plain strings.
func values[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// modelEnums are the API model's enumerations, read from the Go SDK, by shape name.
var modelEnums = map[string][]string{
	"ApplicationProtocol":                   values(types.ApplicationProtocol("").Values()),
	"TransportProtocol":                     values(types.TransportProtocol("").Values()),
	"Compatibility":                         values(types.Compatibility("").Values()),
	"NetworkMode":                           values(types.NetworkMode("").Values()),
	"CPUArchitecture":                       values(types.CPUArchitecture("").Values()),
	"PidMode":                               values(types.PidMode("").Values()),
	"IpcMode":                               values(types.IpcMode("").Values()),
	"ContainerCondition":                    values(types.ContainerCondition("").Values()),
	"TaskDefinitionPlacementConstraintType": values(types.TaskDefinitionPlacementConstraintType("").Values()),
	"LaunchType":                            values(types.LaunchType("").Values()),
	"SchedulingStrategy":                    values(types.SchedulingStrategy("").Values()),
	"DeploymentControllerType":              values(types.DeploymentControllerType("").Values()),
	"PropagateTags":                         values(types.PropagateTags("").Values()),
	"TaskDefinitionStatus":                  values(types.TaskDefinitionStatus("").Values()),
	"TaskDefinitionFamilyStatus":            values(types.TaskDefinitionFamilyStatus("").Values()),
	"SortOrder":                             values(types.SortOrder("").Values()),
	"DesiredStatus":                         values(types.DesiredStatus("").Values()),
	"ContainerInstanceField":                values(types.ContainerInstanceField("").Values()),
	"ContainerInstanceStatus":               values(types.ContainerInstanceStatus("").Values()),
	"ServiceField":                          values(types.ServiceField("").Values()),
	"TaskField":                             values(types.TaskField("").Values()),
	"TaskDefinitionField":                   values(types.TaskDefinitionField("").Values()),
	"CapacityProviderField":                 values(types.CapacityProviderField("").Values()),
	"ClusterField":                          values(types.ClusterField("").Values()),
	"ClusterSettingName":                    values(types.ClusterSettingName("").Values()),
	"TargetType":                            values(types.TargetType("").Values()),
	"ManagedScalingStatus":                  values(types.ManagedScalingStatus("").Values()),
	"ManagedTerminationProtection":          values(types.ManagedTerminationProtection("").Values()),
	"ManagedDraining":                       values(types.ManagedDraining("").Values()),
	"PlacementStrategyType":                 values(types.PlacementStrategyType("").Values()),
	"PlacementConstraintType":               values(types.PlacementConstraintType("").Values()),
	"AvailabilityZoneRebalancing":           values(types.AvailabilityZoneRebalancing("").Values()),
	"AssignPublicIp":                        values(types.AssignPublicIp("").Values()),
	"OSFamily":                              values(types.OSFamily("").Values()),
	"UlimitName":                            values(types.UlimitName("").Values()),
	"LogDriver":                             values(types.LogDriver("").Values()),
	"SettingName":                           values(types.SettingName("").Values()),
}

// extra names values ecsmini accepts beyond the model, and why.
var extra = map[string][]string{
	// ECS documents and accepts the dualStackIPv6 account setting; the model's enum lacks it.
	"SettingName": {"dualStackIPv6"},
}

// partial names the enumerations ecsmini accepts only part of, and why.
var partial = map[string]string{
	"LaunchType": "MANAGED_INSTANCES services and tasks are not run",
}

// TestEnumsMatchAPIModel holds every enumeration ecsmini validates (ecs.Enums) against
// the API model as the Go SDK carries it: the same spelling, and all of the values
// unless the enumeration is declared partial.
func TestEnumsMatchAPIModel(t *testing.T) {
	// Validations that switch on named constants rather than read an Enum.
	constants := map[string][]string{
		"PlacementStrategyType":   {ec2sim.StrategyBinpack, ec2sim.StrategySpread, ec2sim.StrategyRandom},
		"PlacementConstraintType": {ec2sim.ConstraintDistinctInstance, ec2sim.ConstraintMemberOf},
	}
	seen := map[string]bool{}
	for _, e := range ecs.Enums {
		t.Run(e.Shape, func(t *testing.T) {
			if seen[e.Shape] {
				t.Fatalf("%s is listed twice in ecs.Enums", e.Shape)
			}
			seen[e.Shape] = true
			model, ok := modelEnums[e.Shape]
			if !ok {
				t.Fatalf("no API model enumeration %s is known to this test; add it to modelEnums", e.Shape)
			}
			for _, v := range e.Values {
				if !slices.Contains(model, v) && !slices.Contains(extra[e.Shape], v) {
					t.Errorf("ecsmini accepts %q, which is not in the model's %s %q", v, e.Shape, model)
				}
			}
			for _, c := range constants[e.Shape] {
				if !e.Has(c) {
					t.Errorf("a validation switches on %q, which is not in %s %q", c, e.Shape, e.Values)
				}
			}
			if _, ok := partial[e.Shape]; ok {
				return
			}
			for _, v := range model {
				if !slices.Contains(e.Values, v) {
					t.Errorf("ecsmini refuses %q, which the model's %s allows", v, e.Shape)
				}
			}
		})
	}
}
