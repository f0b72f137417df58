package taskdef

import "github.com/ecsmini/ecsmini/emulator/ecs"

// capabilities are the Linux capabilities ECS accepts in linuxParameters (spec §4.5).
var capabilities = []string{"ALL", "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND",
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL",
	"LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
	"NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
	"SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE",
	"SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM"}

// checkLinuxParameters validates linuxParameters and the parts Fargate does not run
// (spec §2.5, §4.5).
func (c *checker) checkLinuxParameters(cd *ecs.ContainerDefinition, name string) {
	lp := cd.LinuxParameters
	if lp == nil {
		return
	}
	if caps := lp.Capabilities; caps != nil {
		for _, list := range [][]string{caps.Add, caps.Drop} {
			for _, cp := range list {
				if !oneOf(cp, capabilities) {
					c.p.add(containerInvalid(name, "Invalid capability '%s'.", cp))
				}
			}
		}
		for _, cp := range caps.Add {
			if cp != "SYS_PTRACE" {
				c.fargate(fargateUnsupported("capabilities other than SYS_PTRACE"))
			}
		}
	}
	if s := lp.Swappiness; s != nil && (*s < 0 || *s > 100) {
		c.p.add(containerInvalid(name, "'swappiness' must be between 0 and 100."))
	}
	if s := lp.MaxSwap; s != nil && *s < 0 {
		c.p.add(containerInvalid(name, "'maxSwap' must be greater than or equal to 0."))
	}
	if s := lp.SharedMemorySize; s != nil && *s <= 0 {
		c.p.add(containerInvalid(name, "'sharedMemorySize' must be greater than 0."))
	}
	if len(lp.Devices) > 0 {
		c.fargate(fargateUnsupported("devices"))
	}
	if lp.SharedMemorySize != nil {
		c.fargate(fargateUnsupported("sharedMemorySize"))
	}
	// The spec (from the developer guide) lists tmpfs as unsupported on Fargate; AWS
	// announced tmpfs on Fargate in January 2026. Drop this line to follow that.
	if len(lp.Tmpfs) > 0 {
		c.fargate(fargateUnsupported("tmpfs"))
	}
	if lp.MaxSwap != nil {
		c.fargate(fargateUnsupported("maxSwap"))
	}
	if lp.Swappiness != nil {
		c.fargate(fargateUnsupported("swappiness"))
	}
}

// checkFargateContainer applies the remaining container-level Fargate rules (spec §2.5).
// links, hostname, dnsServers, dnsSearchDomains, extraHosts and disableNetworking are
// not repeated here: Fargate requires awsvpc, whose own rule already rejects them.
func (c *checker) checkFargateContainer(cd *ecs.ContainerDefinition, _ string) {
	if ecs.Deref(cd.Privileged) {
		c.fargate(fargateUnsupported("privileged"))
	}
	if len(cd.DockerSecurityOptions) > 0 {
		c.fargate(fargateUnsupported("dockerSecurityOptions"))
	}
	for _, rr := range cd.ResourceRequirements {
		if rr.Type == "GPU" {
			c.fargate(fargateUnsupported("gpu"))
		}
	}
}
