package ec2sim

import "github.com/ecsmini/ecsmini/emulator/ecs"

// ReservedPorts are the TCP host ports the ECS agent registers as taken on every instance
// (SSH, the Docker daemon and the agent's own ports).
var ReservedPorts = []string{"22", "2375", "2376", "51678", "51679"}

// BuiltinAttributes returns the attributes the agent registers for an instance of type t in az.
func BuiltinAttributes(t InstanceType, az, amiID string) []ecs.Attribute {
	return []ecs.Attribute{
		{Name: "ecs.instance-type", Value: ecs.Ptr(t.Name)},
		{Name: "ecs.availability-zone", Value: ecs.Ptr(az)},
	}
}
