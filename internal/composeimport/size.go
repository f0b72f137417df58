package composeimport

import (
	"fmt"
	"strconv"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// taskSize sets the container's cpu/memory from deploy.resources (limits, else
// reservations; the legacy cpus/mem_limit/mem_reservation too) and the task's from
// x-ecs, else the smallest Fargate size that holds the container (0.25 vCPU and
// 512 MiB for a service that says nothing). The same size is used on EC2, where it
// is what the scheduler reserves on an instance.
func (c *serviceConverter) taskSize() error {
	s := c.s
	cpus, limit, reservation := s.CPUS, int64(s.MemLimit), int64(s.MemReservation)
	if d := s.Deploy; d != nil {
		if r := d.Resources.Reservations; r != nil {
			if r.NanoCPUs != 0 {
				cpus = float32(r.NanoCPUs)
			}
			if r.MemoryBytes != 0 {
				reservation = int64(r.MemoryBytes)
			}
			c.resourceWarnings("deploy.resources.reservations", r.Pids, len(r.Devices), len(r.GenericResources))
		}
		if l := d.Resources.Limits; l != nil {
			if l.NanoCPUs != 0 {
				cpus = float32(l.NanoCPUs)
			}
			if l.MemoryBytes != 0 {
				limit = int64(l.MemoryBytes)
			}
			c.resourceWarnings("deploy.resources.limits", l.Pids, len(l.Devices), len(l.GenericResources))
		}
	}
	units := 0
	if cpus > 0 {
		units = cpuUnits(cpus)
		c.cd.Cpu = units
	}
	mem := 0
	if limit > 0 {
		mem = max(6, mebibytes(limit)) // ECS's least container memory is 6 MiB
		c.cd.Memory = ecs.Ptr(mem)
	}
	if reservation > 0 {
		r := max(6, mebibytes(reservation))
		if mem > 0 && r > mem {
			c.warn("deploy.resources.reservations.memory", "is more than the limit; using the limit")
			r = mem
		}
		c.cd.MemoryReservation = ecs.Ptr(r)
		mem = max(mem, r)
	}
	td := &c.out.TaskDefinition
	if c.x.CPU != "" || c.x.Memory != "" {
		td.Cpu, td.Memory = nonEmpty(c.x.CPU), nonEmpty(c.x.Memory)
		return nil
	}
	tc, tm, err := fargateSize(units, mem)
	if err != nil {
		return err
	}
	td.Cpu, td.Memory = ecs.Ptr(strconv.Itoa(tc)), ecs.Ptr(strconv.Itoa(tm))
	if units > 0 || mem > 0 {
		c.notes = append(c.notes, Warning{Service: c.s.Name, Key: "deploy.resources", Message: fmt.Sprintf(
			"task size %d CPU units / %d MiB: the smallest Fargate size that holds the container's %d units / %d MiB (fewest CPU units first, then the least memory)", tc, tm, units, mem)})
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (c *serviceConverter) resourceWarnings(key string, pids int64, devices, generic int) {
	if pids != 0 {
		c.warn(key+".pids", "ECS has no pids limit; ignored")
	}
	if devices != 0 {
		c.warn(key+".devices", "device reservations are not supported; ignored")
	}
	if generic != 0 {
		c.warn(key+".generic_resources", "not supported; ignored")
	}
}

// platform sets requiresCompatibilities and the runtime platform (from platform:
// linux/amd64 → X86_64, linux/arm64 → ARM64).
func (c *serviceConverter) platform() {
	td := &c.out.TaskDefinition
	if c.fargate {
		td.RequiresCompatibilities = []string{ecs.LaunchFargate}
	} else {
		td.RequiresCompatibilities = []string{ecs.LaunchEC2}
	}
	switch c.s.Platform {
	case "":
	case "linux/amd64", "linux/x86_64":
		td.RuntimePlatform = &ecs.RuntimePlatform{OperatingSystemFamily: ecs.Ptr("LINUX"), CpuArchitecture: ecs.Ptr("X86_64")}
	case "linux/arm64", "linux/arm64/v8":
		td.RuntimePlatform = &ecs.RuntimePlatform{OperatingSystemFamily: ecs.Ptr("LINUX"), CpuArchitecture: ecs.Ptr("ARM64")}
	default:
		c.warn("platform", "%s has no ECS runtime platform; ignored", c.s.Platform)
	}
}
