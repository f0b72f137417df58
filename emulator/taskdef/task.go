package taskdef

import (
	"fmt"
	"math"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// checkTask runs the task-level rules, in the order their messages are reported.
func (c *checker) checkTask() {
	in := c.in
	switch {
	case in.Family == "":
		c.p.add(msgFamilyBlank)
	case len(in.Family) > maxNameLen:
		c.p.add(msgFamilyTooLong)
	case !nameRE.MatchString(in.Family):
		c.p.add(msgFamilyInvalid)
	}
	switch n := len(in.ContainerDefinitions); {
	case n == 0:
		c.p.add(msgContainersEmpty)
	case n > 10:
		c.p.add(msgTooManyContainers)
	}
	for _, r := range in.RequiresCompatibilities {
		if !oneOf(r, compatibilityValues) {
			c.p.add(invalidValue("compatibility", r, compatibilityValues...))
		}
	}
	if !oneOf(c.mode, networkModeValues) {
		c.p.add(invalidValue("networkMode", c.mode, networkModeValues...))
	}
	if rp := in.RuntimePlatform; rp != nil {
		if a := rp.CpuArchitecture; a != nil && !oneOf(*a, cpuArchValues) {
			c.p.add(invalidValue("cpuArchitecture", *a, cpuArchValues...))
		}
		if !oneOf(c.osFamily, osFamilyValues) {
			c.p.add(invalidValue("operatingSystemFamily", c.osFamily, osFamilyValues...))
		}
	}
	if in.Cpu != nil {
		if c.taskCPU, c.cpuOK = parseTaskCPU(*in.Cpu); !c.cpuOK {
			c.p.add(msgInvalidTaskCPU)
		}
	}
	if in.Memory != nil {
		if c.taskMemory, c.memoryOK = parseTaskMemory(*in.Memory); !c.memoryOK {
			c.p.add(msgInvalidTaskMemory)
		}
	}
	if m := in.PidMode; m != nil && !oneOf(*m, pidModeValues) {
		c.p.add(invalidValue("pidMode", *m, pidModeValues...))
	}
	if m := in.IpcMode; m != nil && !oneOf(*m, ipcModeValues) {
		c.p.add(invalidValue("ipcMode", *m, ipcModeValues...))
	}
	if es := in.EphemeralStorage; es != nil {
		switch {
		case es.SizeInGiB < 21:
			c.p.add(msgEphemeralMin)
		case es.SizeInGiB > 200:
			c.p.add(msgEphemeralMax)
		}
		if !c.requires[ecs.LaunchFargate] {
			c.p.add(msgEphemeralEC2)
		}
	}
	c.checkVolumes()
	c.checkPlacementConstraints()
	c.checkFargateTask()
	if c.requires[ecs.LaunchExternal] && c.mode == ecs.NetworkAwsvpc {
		c.p.add(msgExternalAwsvpc)
	}
	if c.size > maxDefinitionBytes {
		c.p.add(fmt.Sprintf(msgTooLarge, c.size))
	}
	c.checkNamesAndEssential()
	c.checkPortNames()
	c.checkSums()
}

// checkVolumes validates task volume names (spec §2.6).
func (c *checker) checkVolumes() {
	seen := map[string]bool{}
	for _, v := range c.in.Volumes {
		name := ecs.Deref(v.Name)
		switch {
		case name == "":
			c.p.add(msgVolumeNameBlank)
		case len(name) > maxNameLen || !nameRE.MatchString(name):
			c.p.add(msgVolumeNameInvalid)
		case seen[name]:
			c.p.add(msgVolumeNamesNotUnique)
		}
		seen[name] = true
	}
}

// checkPlacementConstraints allows at most 10 memberOf constraints (spec §2.1, §2.3).
func (c *checker) checkPlacementConstraints() {
	if len(c.in.PlacementConstraints) > 10 {
		c.p.add(msgTooManyConstraints)
	}
	for _, pc := range c.in.PlacementConstraints {
		if !ecs.EnumTaskDefPlacementType.Has(pc.Type) {
			c.p.add(invalidValue("placement constraint type", pc.Type, ecs.EnumTaskDefPlacementType.Values...))
		}
	}
}

// checkFargateTask applies the task-level Fargate rules (spec §2.5, §3.1, §3.3).
func (c *checker) checkFargateTask() {
	in := c.in
	if c.mode != ecs.NetworkAwsvpc {
		c.fargate(msgFargateNetwork)
	}
	c.checkFargateSize()
	if !oneOf(c.osFamily, fargateOSFamilies) {
		c.fargate(fargateUnsupported("operatingSystemFamily " + c.osFamily))
	}
	if in.IpcMode != nil {
		c.fargate(msgFargateIpcMode)
	}
	if m := ecs.Deref(in.PidMode); in.PidMode != nil && m != "task" {
		c.fargate(fmt.Sprintf(msgFargatePidMode, m))
	}
	if len(in.PlacementConstraints) > 0 {
		c.fargate(fargateUnsupported("constraints"))
	}
	if len(in.InferenceAccelerators) > 0 {
		c.fargate(fargateUnsupported("inferenceAccelerators"))
	}
	for _, v := range in.Volumes {
		if v.DockerVolumeConfiguration != nil {
			c.fargate(fargateUnsupported("dockerVolumeConfiguration"))
		}
		if v.Host != nil && ecs.Deref(v.Host.SourcePath) != "" {
			c.fargate(fargateUnsupported("sourcePath"))
		}
		if v.FsxWindowsFileServerVolumeConfiguration != nil {
			c.fargate(fargateUnsupported("fsxWindowsFileServerVolumeConfiguration"))
		}
	}
	if ecs.Deref(in.ExecutionRoleArn) == "" {
		for _, cd := range in.ContainerDefinitions {
			if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == "awslogs" {
				c.fargate(msgFargateExecLogs)
			}
		}
		for _, cd := range in.ContainerDefinitions {
			if isECRImage(ecs.Deref(cd.Image)) {
				c.fargate(msgFargateExecECR)
			}
		}
	}
}

// isECRImage reports whether an image lives in Amazon ECR, which Fargate pulls with the
// execution role: <account>.dkr.ecr.<region>.amazonaws.com[.cn]/repo.
func isECRImage(image string) bool {
	host, _, ok := strings.Cut(image, "/")
	return ok && strings.Contains(host, ".dkr.ecr.") && strings.Contains(host, ".amazonaws.com")
}

// checkNamesAndEssential applies the rules that look at all containers together.
func (c *checker) checkNamesAndEssential() {
	seen := map[string]bool{}
	essential := false
	for _, cd := range c.in.ContainerDefinitions {
		if n := ecs.Deref(cd.Name); n != "" {
			if seen[n] {
				c.p.add(msgNamesNotUnique)
			}
			seen[n] = true
		}
		essential = essential || cd.IsEssential()
	}
	if len(c.in.ContainerDefinitions) > 0 && !essential {
		c.p.add(msgNoEssential)
	}
}

// checkSums compares container reservations with the task-level cpu and memory
// (spec §2.4: the container sums must fit in the task).
func (c *checker) checkSums() {
	var sumCPU, sumMemory, sumReservation int
	over := false
	for _, cd := range c.in.ContainerDefinitions {
		sumCPU = addSat(sumCPU, cd.Cpu)
		if cd.Memory != nil {
			sumMemory = addSat(sumMemory, *cd.Memory)
			if c.memoryOK && *cd.Memory > c.taskMemory {
				c.p.add(fmt.Sprintf(msgContainerMemory, ecs.Deref(cd.Name)))
				over = true
			}
		}
		if cd.MemoryReservation != nil {
			sumReservation = addSat(sumReservation, *cd.MemoryReservation)
		}
	}
	if c.memoryOK {
		if sumReservation > c.taskMemory {
			c.p.add(msgSumReservation)
		}
		if !over && sumMemory > c.taskMemory {
			c.p.add(msgSumMemory)
		}
	}
	if c.cpuOK && sumCPU > c.taskCPU {
		c.p.add(msgSumCPU)
	}
}

// addSat adds without wrapping, so absurd inputs cannot overflow a sum into "fits".
func addSat(a, b int) int {
	if b > 0 && a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
