package ec2sim

import "sort"

// InstanceType is one EC2 instance type as ecsmini simulates it: its nominal size and the
// number of network interfaces it can attach (which bounds awsvpc tasks without trunking).
type InstanceType struct {
	Name      string // "m5.large"
	VCPU      int
	MemoryMiB int    // nominal memory, e.g. 8192 for 8 GiB
	Arch      string // "x86_64" | "arm64"
	ENIs      int    // maximum network interfaces of the type, primary included
}

// LookupInstanceType finds a type in the built-in table by its exact name.
func LookupInstanceType(name string) (InstanceType, bool) {
	t, ok := typeIndex[name]
	return t, ok
}

// InstanceTypes returns the built-in table sorted by name; the slice is a copy.
func InstanceTypes() []InstanceType {
	out := make([]InstanceType, 0, len(typeIndex))
	for _, t := range typeIndex {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CPUUnits is the CPU the agent registers: ECS counts 1,024 units per vCPU.
func (t InstanceType) CPUUnits() int { return t.VCPU * 1024 }

// RegisteredMemory is the memory (MiB) the agent registers.
func (t InstanceType) RegisteredMemory() int { return t.MemoryMiB }

// TaskENIs is how many awsvpc tasks the type holds without ENI trunking: every ENI but the
// primary one.
func (t InstanceType) TaskENIs() int {
	if t.ENIs < 1 {
		return 0
	}
	return t.ENIs - 1
}

var typeIndex = map[string]InstanceType{}
