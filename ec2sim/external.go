package ec2sim

import (
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ExternalCapability is the attribute an agent started with ECS_EXTERNAL=true adds: the
// mark of an ECS Anywhere (EXTERNAL) container instance.
const ExternalCapability = "ecs.capability.external"

// externalDropped are the capabilities an external agent does not register: it has no
// ENIs to give tasks (awsvpc) and no EFS support (ECS Anywhere page).
var externalDropped = []string{"ecs.capability.task-eni", "ecs.capability.efsAuth"}

// ExternalAttributes returns the attributes an ECS Anywhere agent registers for a
// machine of CPU architecture arch: the OS, the architecture and the capabilities, with
// no EC2 facts (AMI, instance type, zone, VPC, subnet) and with ecs.capability.external.
func ExternalAttributes(arch string) []ecs.Attribute {
	attrs := []ecs.Attribute{
		{Name: "ecs.os-type", Value: ecs.Ptr("linux")},
		{Name: "ecs.os-family", Value: ecs.Ptr("LINUX")},
		{Name: "ecs.cpu-architecture", Value: ecs.Ptr(arch)},
	}
	for _, c := range capabilities {
		if !slices.Contains(externalDropped, c) {
			attrs = append(attrs, ecs.Attribute{Name: c})
		}
	}
	return append(attrs, ecs.Attribute{Name: ExternalCapability})
}
