package ec2sim

import (
	"fmt"
	"hash/fnv"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ReservedPorts are the TCP host ports the ECS agent registers as taken on every instance
// (SSH, the Docker daemon's 2375/2376 and the agent's introspection ports; spec 3.2).
var ReservedPorts = []string{"22", "2375", "2376", "51678", "51679"}

// capabilities are the value-less attributes a current Linux ECS agent registers (spec 3.4),
// so that task definitions' requiresAttributes and memberOf expressions over capabilities
// match on simulated instances the way they do on real ones.
var capabilities = func() []string {
	caps := []string{}
	for minor := 17; minor <= 29; minor++ {
		caps = append(caps, fmt.Sprintf("com.amazonaws.ecs.capability.docker-remote-api.1.%d", minor))
	}
	for _, d := range []string{"awslogs", "json-file", "syslog", "none", "fluentd", "journald", "gelf", "awsfirelens"} {
		caps = append(caps, "com.amazonaws.ecs.capability.logging-driver."+d)
	}
	return append(caps,
		"com.amazonaws.ecs.capability.privileged-container",
		"com.amazonaws.ecs.capability.ecr-auth",
		"com.amazonaws.ecs.capability.task-iam-role",
		"com.amazonaws.ecs.capability.task-iam-role-network-host",
		"ecs.capability.execution-role-ecr-pull",
		"ecs.capability.execution-role-awslogs",
		"ecs.capability.task-eni",
		"ecs.capability.task-cpu-mem-limit",
		"ecs.capability.container-health-check",
		"ecs.capability.container-ordering",
		"ecs.capability.secrets.asm.environment-variables",
		"ecs.capability.secrets.ssm.environment-variables",
		"ecs.capability.docker-plugin.local",
		"ecs.capability.efsAuth",
		"ecs.capability.firelens.fluentbit",
	)
}()

// BuiltinAttributes returns the attributes the agent registers for an instance of type t in
// az (spec 3.4). The VPC and subnet ids are fake but stable: the VPC is derived from the
// region (so every AZ of a region shares it, as in a real VPC) and the subnet from the AZ, so
// a spread over attribute:ecs.subnet-id behaves like one over the AZ.
func BuiltinAttributes(t InstanceType, az, amiID string) []ecs.Attribute {
	attrs := []ecs.Attribute{
		{Name: "ecs.ami-id", Value: ecs.Ptr(amiID)},
		{Name: "ecs.availability-zone", Value: ecs.Ptr(az)},
		{Name: "ecs.instance-type", Value: ecs.Ptr(t.Name)},
		{Name: "ecs.os-type", Value: ecs.Ptr("linux")},
		{Name: "ecs.os-family", Value: ecs.Ptr("LINUX")},
		{Name: "ecs.cpu-architecture", Value: ecs.Ptr(t.Arch)},
		{Name: "ecs.vpc-id", Value: ecs.Ptr("vpc-" + fakeID(regionOf(az)))},
		{Name: "ecs.subnet-id", Value: ecs.Ptr("subnet-" + fakeID(az))},
	}
	for _, c := range capabilities {
		attrs = append(attrs, ecs.Attribute{Name: c})
	}
	return attrs
}

// regionOf strips the zone letter: "us-east-1a" -> "us-east-1".
func regionOf(az string) string {
	n := len(az)
	if n > 1 && az[n-1] >= 'a' && az[n-1] <= 'z' && az[n-2] >= '0' && az[n-2] <= '9' {
		return az[:n-1]
	}
	return az
}

// fakeID is an 8-hex-digit id stable for its seed, like "1234abcd" in AWS ids.
func fakeID(seed string) string {
	h := fnv.New32a()
	h.Write([]byte(seed))
	return fmt.Sprintf("%08x", h.Sum32())
}
