package taskdef

import (
	"fmt"
	"regexp"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/fargate"
)

// ECS name rule for families, containers and volumes: up to 255 letters, digits,
// hyphens and underscores.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

const maxNameLen = 255

// Enumerations from the API model (ecs.Enums, held against the model by a test).
var (
	compatibilityValues = ecs.EnumCompatibility.Values
	networkModeValues   = ecs.EnumNetworkMode.Values
	cpuArchValues       = ecs.EnumCPUArchitecture.Values
	osFamilyValues      = ecs.EnumOSFamily.Values
	// fargateOSFamilies are the families Fargate runs (spec §2.3).
	fargateOSFamilies = []string{"LINUX", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE",
		"WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2022_CORE"}
	pidModeValues = ecs.EnumPidMode.Values
	ipcModeValues = ecs.EnumIpcMode.Values
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// checker holds one Build call's working state: the request copy, what has been derived
// from it so far, and the problems found.
type checker struct {
	in   *ecs.RegisterTaskDefinitionInput
	size int // bytes of the request's JSON
	p    problems

	mode     string // effective network mode; "bridge" when not given (ECS's Linux default)
	osFamily string // effective OS family; "LINUX" when not given
	requires map[string]bool

	taskCPU, taskMemory int // parsed task-level values; 0 when absent or invalid
	cpuOK, memoryOK     bool

	index map[string]int // container name → index of its first definition

	// fargateIssues lists every Fargate rule the definition breaks, whether or not FARGATE
	// is required: it decides the computed "compatibilities" (see compat.go).
	fargateIssues []string
}

func newChecker(in *ecs.RegisterTaskDefinitionInput, size int) *checker {
	c := &checker{in: in, size: size, mode: ecs.NetworkBridge, osFamily: "LINUX",
		requires: map[string]bool{}, index: map[string]int{}}
	if in.NetworkMode != nil {
		c.mode = *in.NetworkMode
	}
	if rp := in.RuntimePlatform; rp != nil && rp.OperatingSystemFamily != nil {
		c.osFamily = *rp.OperatingSystemFamily
	}
	for _, r := range in.RequiresCompatibilities {
		c.requires[r] = true
	}
	for i := range in.ContainerDefinitions {
		if n := ecs.Deref(in.ContainerDefinitions[i].Name); n != "" {
			if _, dup := c.index[n]; !dup {
				c.index[n] = i
			}
		}
	}
	return c
}

// fargate records a broken Fargate rule; it is a problem only when FARGATE is required.
func (c *checker) fargate(msg string) {
	c.fargateIssues = append(c.fargateIssues, msg)
	if c.requires[ecs.LaunchFargate] {
		c.p.add(msg)
	}
}

// container returns the named container, or nil.
func (c *checker) container(name string) *ecs.ContainerDefinition {
	if i, ok := c.index[name]; ok {
		return &c.in.ContainerDefinitions[i]
	}
	return nil
}

// checkFargateSize applies the Fargate size table to the task-level cpu and memory.
func (c *checker) checkFargateSize() {
	in := c.in
	switch {
	case in.Cpu == nil:
		c.fargate(msgFargateNeedsCPU)
	case !c.cpuOK || !fargate.ValidCPU(c.taskCPU, c.osFamily):
		c.fargate(msgInvalidTaskCPU)
	}
	switch {
	case in.Memory == nil:
		c.fargate(msgFargateNeedsMemory)
	case !c.memoryOK || !fargate.ValidMemory(c.taskMemory, c.osFamily):
		c.fargate(msgInvalidTaskMemory)
	}
	if c.cpuOK && c.memoryOK && fargate.ValidCPU(c.taskCPU, c.osFamily) &&
		fargate.ValidMemory(c.taskMemory, c.osFamily) &&
		!fargate.ValidTaskSize(c.taskCPU, c.taskMemory, c.osFamily) {
		c.fargate(fmt.Sprintf(msgFargateCombo, c.taskCPU, c.taskMemory))
	}
}
