package fargate

import "strings"

// Size is one task size Fargate can run: task-level cpu units and memory in MiB.
type Size struct {
	CPU       int
	MemoryMiB int
}

// cpuOption describes the memory values Fargate allows for one task cpu value
// (spec §3.1). Memory is either a discrete list or a range walked in fixed steps.
type cpuOption struct {
	cpu        int
	discrete   []int // exact allowed values, when the range form does not apply
	min, max   int   // inclusive range in MiB
	step       int   // MiB between allowed values inside [min, max]
	windows    bool  // Windows tasks may use this cpu value
	minVersion string
}

// options is the Fargate size table, in ascending cpu order. 8 and 16 vCPU arrived with
// Linux platform version 1.4.0 and are not offered for Windows; Windows needs ≥ 1 vCPU.
var options = []cpuOption{
	{cpu: 256, discrete: []int{512, 1024, 2048}},
	{cpu: 512, discrete: []int{1024, 2048, 3072, 4096}},
	{cpu: 1024, min: 2048, max: 8192, step: 1024, windows: true},
	{cpu: 2048, min: 4096, max: 16384, step: 1024, windows: true},
	{cpu: 4096, min: 8192, max: 30720, step: 1024, windows: true},
	{cpu: 8192, min: 16384, max: 61440, step: 4096, minVersion: "1.4.0"},
	{cpu: 16384, min: 32768, max: 122880, step: 8192, minVersion: "1.4.0"},
}

func (o cpuOption) memories() []int {
	if o.discrete != nil {
		return append([]int(nil), o.discrete...)
	}
	var out []int
	for m := o.min; m <= o.max; m += o.step {
		out = append(out, m)
	}
	return out
}

func (o cpuOption) allows(memoryMiB int) bool {
	if o.discrete != nil {
		for _, m := range o.discrete {
			if m == memoryMiB {
				return true
			}
		}
		return false
	}
	return memoryMiB >= o.min && memoryMiB <= o.max && (memoryMiB-o.min)%o.step == 0
}

func find(cpu int) (cpuOption, bool) {
	for _, o := range options {
		if o.cpu == cpu {
			return o, true
		}
	}
	return cpuOption{}, false
}

// IsWindows reports whether an ECS operatingSystemFamily value names a Windows family.
// An empty family means LINUX, ECS's default.
func IsWindows(osFamily string) bool {
	return strings.HasPrefix(strings.ToUpper(osFamily), "WINDOWS")
}

// ValidTaskSize reports whether Fargate accepts the task-level cpu (units) and memory
// (MiB) pair for the OS family on the latest platform version (Linux 1.4.0, Windows
// 1.0.0). An empty osFamily means LINUX.
func ValidTaskSize(cpu, memoryMiB int, osFamily string) bool {
	o, ok := find(cpu)
	if !ok || (IsWindows(osFamily) && !o.windows) {
		return false
	}
	return o.allows(memoryMiB)
}

// ValidCPU reports whether cpu is a task cpu value Fargate offers for the OS family,
// whatever the memory. It lets callers tell a bad cpu apart from a bad combination.
func ValidCPU(cpu int, osFamily string) bool {
	o, ok := find(cpu)
	return ok && (o.windows || !IsWindows(osFamily))
}

// ValidMemory reports whether memoryMiB is allowed with at least one cpu value Fargate
// offers for the OS family.
func ValidMemory(memoryMiB int, osFamily string) bool {
	for _, o := range options {
		if (o.windows || !IsWindows(osFamily)) && o.allows(memoryMiB) {
			return true
		}
	}
	return false
}

// MemoryOptions lists, in ascending order, the memory values (MiB) Fargate allows with
// the given task cpu, or nil when cpu is not a Fargate value. Handy for error hints.
func MemoryOptions(cpu int) []int {
	o, ok := find(cpu)
	if !ok {
		return nil
	}
	return o.memories()
}

// MinPlatformVersion returns the lowest Linux platform version that offers the task cpu
// value ("1.4.0" for 8 and 16 vCPU), or "" when every supported version does.
func MinPlatformVersion(cpu int) string {
	o, _ := find(cpu)
	return o.minVersion
}

// Sizes lists every valid Linux task size in ascending (cpu, memory) order. The Windows
// subset is the sizes with CPU ≥ 1024 and ≤ 4096 (see ValidTaskSize).
func Sizes() []Size {
	var out []Size
	for _, o := range options {
		for _, m := range o.memories() {
			out = append(out, Size{CPU: o.cpu, MemoryMiB: m})
		}
	}
	return out
}
