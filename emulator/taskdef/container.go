package taskdef

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// minContainerMemory is the smallest container memory Docker ≥ 20.10 accepts (spec §2.4).
const minContainerMemory = 6

// Fargate caps stopTimeout and startTimeout at 120 seconds (spec §4.2, §4.4).
const fargateMaxTimeout = 120

var (
	ulimitNames       = ecs.EnumUlimitName.Values
	logDrivers        = ecs.EnumLogDriver.Values
	fargateLogDrivers = []string{"awslogs", "splunk", "awsfirelens"}
)

// checkContainer runs every rule for container i, in the order messages are reported.
func (c *checker) checkContainer(i int) {
	cd := &c.in.ContainerDefinitions[i]
	name := ecs.Deref(cd.Name)
	switch {
	case name == "":
		c.p.add(msgNameBlank)
	case len(name) > maxNameLen || !nameRE.MatchString(name):
		c.p.add(msgNameInvalid)
	}
	switch image := ecs.Deref(cd.Image); {
	case image == "":
		c.p.add(msgImageBlank)
	case len(image) > maxNameLen:
		c.p.add(msgImageTooLong)
	case strings.HasPrefix(image, ":") || strings.HasPrefix(image, "@") || strings.HasPrefix(image, "/"):
		c.p.add(msgImageNoRepository)
	}
	c.checkMemory(cd, name)
	c.checkNetworking(cd, name)
	c.checkPortMappings(cd, name)
	c.checkDependsOn(i, name)
	c.checkHealthCheck(cd, name)
	c.checkTimeouts(cd, name)
	c.checkStorage(cd, name)
	c.checkUlimits(cd, name)
	c.checkLogging(cd, name)
	c.checkLinuxParameters(cd, name)
	c.checkFargateContainer(cd, name)
	if rp := cd.RestartPolicy; rp != nil && rp.RestartAttemptPeriod != nil {
		if p := *rp.RestartAttemptPeriod; p < 60 || p > 1800 {
			c.p.add(containerInvalid(name, "'restartAttemptPeriod' must be between 60 and 1800."))
		}
	}
}

// checkMemory applies the container memory rules (spec §2.4).
func (c *checker) checkMemory(cd *ecs.ContainerDefinition, name string) {
	if c.in.Memory == nil && cd.Memory == nil && cd.MemoryReservation == nil {
		c.p.add(fmt.Sprintf(msgMemoryRequired, name))
	}
	if cd.Memory != nil && *cd.Memory < minContainerMemory {
		c.p.add(containerInvalid(name, "The minimum allowed value for 'memory' is %d MiB.", minContainerMemory))
	}
	if cd.MemoryReservation != nil && *cd.MemoryReservation < minContainerMemory {
		c.p.add(containerInvalid(name, "The minimum allowed value for 'memoryReservation' is %d MiB.", minContainerMemory))
	}
	if cd.Memory != nil && cd.MemoryReservation != nil && *cd.Memory < *cd.MemoryReservation {
		c.p.add(fmt.Sprintf(msgMemoryVsReserve, name))
	}
	if cd.Cpu < 0 {
		c.p.add(containerInvalid(name, "'cpu' must be greater than or equal to 0."))
	}
}

// checkNetworking rejects container fields the task's network mode cannot honour
// (spec §2.4 table, §5.1): awsvpc gives the task one ENI, so per-container networking
// settings have nothing to apply to; links need Docker's bridge network.
func (c *checker) checkNetworking(cd *ecs.ContainerDefinition, name string) {
	if c.mode == ecs.NetworkAwsvpc {
		if len(cd.Links) > 0 {
			c.p.add(awsvpcUnsupported("Links are"))
		}
		if cd.Hostname != nil {
			c.p.add(awsvpcUnsupported("hostname is"))
		}
		if len(cd.DNSServers) > 0 {
			c.p.add(awsvpcUnsupported("DNS servers are"))
		}
		if len(cd.DNSSearchDomains) > 0 {
			c.p.add(awsvpcUnsupported("DNS search domains are"))
		}
		if len(cd.ExtraHosts) > 0 {
			c.p.add(awsvpcUnsupported("Extra hosts are"))
		}
		if ecs.Deref(cd.DisableNetworking) {
			c.p.add(awsvpcUnsupported("disableNetworking is"))
		}
		return
	}
	if len(cd.Links) > 0 && c.mode != ecs.NetworkBridge {
		c.p.add(containerInvalid(name, "Links are only supported when networkMode=bridge."))
	}
}

// checkTimeouts bounds startTimeout and stopTimeout (spec §4.2, §4.4).
func (c *checker) checkTimeouts(cd *ecs.ContainerDefinition, name string) {
	for _, t := range []struct {
		field string
		v     *int
	}{{"startTimeout", cd.StartTimeout}, {"stopTimeout", cd.StopTimeout}} {
		switch {
		case t.v == nil:
		case *t.v < 0:
			c.p.add(containerInvalid(name, "'%s' must be greater than or equal to 0.", t.field))
		case *t.v > fargateMaxTimeout:
			c.fargate(containerInvalid(name, "Fargate compatible task definitions do not support a '%s' greater than %d seconds.", t.field, fargateMaxTimeout))
		}
	}
}

// checkStorage resolves mountPoints against task volumes and volumesFrom against
// the task's containers.
func (c *checker) checkStorage(cd *ecs.ContainerDefinition, name string) {
	volumes := map[string]bool{}
	for _, v := range c.in.Volumes {
		volumes[ecs.Deref(v.Name)] = true
	}
	for _, mp := range cd.MountPoints {
		switch src := ecs.Deref(mp.SourceVolume); {
		case src == "":
			c.p.add(containerInvalid(name, "mountPoints.sourceVolume should not be null or empty."))
		case !volumes[src]:
			c.p.add(fmt.Sprintf(msgUnknownVolume, src))
		}
		if ecs.Deref(mp.ContainerPath) == "" {
			c.p.add(containerInvalid(name, "mountPoints.containerPath should not be null or empty."))
		}
	}
	for _, vf := range cd.VolumesFrom {
		src := ecs.Deref(vf.SourceContainer)
		if c.container(src) == nil {
			c.p.add(containerInvalid(name, "volumesFrom.sourceContainer '%s' does not exist.", src))
		}
	}
}

// checkUlimits accepts Docker's lowercase ulimit names with soft ≤ hard.
func (c *checker) checkUlimits(cd *ecs.ContainerDefinition, name string) {
	for _, u := range cd.Ulimits {
		if !oneOf(u.Name, ulimitNames) {
			c.p.add(containerInvalid(name, "%s", invalidValue("ulimit name", u.Name, ulimitNames...)))
			continue
		}
		if u.SoftLimit > u.HardLimit {
			c.p.add(fmt.Sprintf(msgUlimitSoftHard, u.Name))
		}
	}
}

// checkLogging validates the log driver (spec §8.1).
func (c *checker) checkLogging(cd *ecs.ContainerDefinition, name string) {
	lc := cd.LogConfiguration
	if lc == nil {
		return
	}
	if !oneOf(lc.LogDriver, logDrivers) {
		c.p.add(containerInvalid(name, "%s", invalidValue("logDriver", lc.LogDriver, logDrivers...)))
		return
	}
	if !oneOf(lc.LogDriver, fargateLogDrivers) {
		c.fargate(fargateUnsupported("log driver " + lc.LogDriver))
	}
}
