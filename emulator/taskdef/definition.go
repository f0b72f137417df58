package taskdef

import (
	"strconv"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// definition assembles the normalised task definition from the validated request copy,
// filling in what ECS echoes back: explicit essential flags, empty lists instead of
// null, default port protocol and host ports, health check defaults, normalised cpu and
// memory strings, and the computed compatibilities and requiresAttributes.
func (c *checker) definition() *ecs.TaskDefinition {
	in := c.in
	td := &ecs.TaskDefinition{
		Family:                  in.Family,
		TaskRoleArn:             in.TaskRoleArn,
		ExecutionRoleArn:        in.ExecutionRoleArn,
		NetworkMode:             in.NetworkMode,
		ContainerDefinitions:    in.ContainerDefinitions,
		Volumes:                 nonNil(in.Volumes),
		PlacementConstraints:    nonNil(in.PlacementConstraints),
		RuntimePlatform:         in.RuntimePlatform,
		RequiresCompatibilities: in.RequiresCompatibilities,
		InferenceAccelerators:   in.InferenceAccelerators,
		PidMode:                 in.PidMode,
		IpcMode:                 in.IpcMode,
		ProxyConfiguration:      in.ProxyConfiguration,
		EphemeralStorage:        in.EphemeralStorage,
		EnableFaultInjection:    in.EnableFaultInjection,
	}
	if c.cpuOK {
		td.Cpu = ecs.Ptr(strconv.Itoa(c.taskCPU))
	}
	if c.memoryOK {
		td.Memory = ecs.Ptr(strconv.Itoa(c.taskMemory))
	}
	for i := range td.ContainerDefinitions {
		c.normaliseContainer(&td.ContainerDefinitions[i])
	}
	td.Volumes = normaliseVolumes(td.Volumes)
	td.Compatibilities = c.compatibilities()
	td.RequiresAttributes = c.requiresAttributes()
	return td
}

func (c *checker) normaliseContainer(cd *ecs.ContainerDefinition) {
	cd.Essential = ecs.Ptr(cd.IsEssential())
	cd.Environment = nonNil(cd.Environment)
	cd.MountPoints = nonNil(cd.MountPoints)
	cd.PortMappings = nonNil(cd.PortMappings)
	cd.VolumesFrom = nonNil(cd.VolumesFrom)
	cd.SystemControls = nonNil(cd.SystemControls)
	for i := range cd.PortMappings {
		pm := &cd.PortMappings[i]
		if pm.Protocol == nil {
			pm.Protocol = ecs.Ptr(protocolTCP)
		}
		if pm.ContainerPortRange != nil {
			continue // the agent picks host ports for ranges; ECS stores none
		}
		switch c.mode {
		case ecs.NetworkAwsvpc, ecs.NetworkHost:
			if ecs.Deref(pm.HostPort) == 0 {
				pm.HostPort = ecs.Ptr(ecs.Deref(pm.ContainerPort))
			}
		case ecs.NetworkBridge:
			if pm.HostPort == nil {
				pm.HostPort = ecs.Ptr(0) // 0 = dynamic host port from the ephemeral range
			}
		}
	}
	normaliseHealthCheck(cd.HealthCheck)
}

// nonNil turns a nil slice into an empty one, so that it encodes as [] like ECS's.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// normaliseVolumes fills in what ECS stores for volumes: an EFS volume's rootDirectory
// defaults to "/". The request's volumes are copied, never changed in place.
func normaliseVolumes(vs []ecs.Volume) []ecs.Volume {
	out := make([]ecs.Volume, len(vs))
	for i, v := range vs {
		if efs := v.EfsVolumeConfiguration; efs != nil && efs.RootDirectory == nil {
			cp := *efs
			cp.RootDirectory = ecs.Ptr("/")
			v.EfsVolumeConfiguration = &cp
		}
		out[i] = v
	}
	return out
}
