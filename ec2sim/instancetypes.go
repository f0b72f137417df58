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

// InstanceTypes returns the built-in table sorted by name; the slice is the caller's.
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

// RegisteredMemory is the memory (MiB) the agent registers. The agent registers the OS's
// MemTotal, which is less than the nominal size because the kernel keeps its page tables
// (64-byte struct page per 4 KiB page = 1/64 of memory) plus a roughly fixed amount for
// the kernel image, firmware and crash kernel. The fixed part (79 MiB) is calibrated on the
// guide's example "m4.large = 8 GiB installed → 7,985 MiB registered on Linux" (spec 3.2):
// 8192 − 8192/64 − 79 = 7985. ECS_RESERVED_MEMORY is the caller's to subtract.
func (t InstanceType) RegisteredMemory() int {
	if t.MemoryMiB <= 0 {
		return 0
	}
	kept := (t.MemoryMiB+63)/64 + 79
	if kept >= t.MemoryMiB {
		return 0
	}
	return t.MemoryMiB - kept
}

// TaskENIs is how many awsvpc tasks the type holds without ENI trunking: every ENI but the
// primary one (spec 3.2: c5.large has 3 ENIs, so 2 awsvpc tasks).
func (t InstanceType) TaskENIs() int {
	if t.ENIs < 1 {
		return 0
	}
	return t.ENIs - 1
}

// size is one row of a family: vCPUs, memory per vCPU comes from the family.
type size struct {
	suffix string
	vcpu   int
	enis   int
}

// Sizes of the current general-purpose, compute and memory families share vCPU counts and
// ENI limits (AWS "Maximum network interfaces" table: large 3, xlarge/2xlarge 4,
// 4xlarge..12xlarge 8, 16xlarge+ 15; Graviton medium 2).
var (
	medium   = size{"medium", 1, 2}
	large    = size{"large", 2, 3}
	xlarge   = size{"xlarge", 4, 4}
	xlarge2  = size{"2xlarge", 8, 4}
	xlarge4  = size{"4xlarge", 16, 8}
	xlarge8  = size{"8xlarge", 32, 8}
	xlarge9  = size{"9xlarge", 36, 8}
	xlarge12 = size{"12xlarge", 48, 8}
	xlarge16 = size{"16xlarge", 64, 15}
)

// family lists the sizes a family is simulated in; memory is vCPU × GiB per vCPU.
type family struct {
	name       string
	arch       string
	gibPerVCPU int
	sizes      []size
}

var families = []family{
	{"m5", "x86_64", 4, []size{large, xlarge, xlarge2, xlarge4, xlarge8, xlarge12, xlarge16}},
	{"m6i", "x86_64", 4, []size{large, xlarge, xlarge2, xlarge4, xlarge8, xlarge12}},
	{"m7i", "x86_64", 4, []size{large, xlarge, xlarge2, xlarge4, xlarge8}},
	{"m6g", "arm64", 4, []size{medium, large, xlarge, xlarge2, xlarge4, xlarge8, xlarge12}},
	{"m7g", "arm64", 4, []size{medium, large, xlarge, xlarge2, xlarge4, xlarge8}},
	{"c5", "x86_64", 2, []size{large, xlarge, xlarge2, xlarge4, xlarge9}},
	{"c6i", "x86_64", 2, []size{large, xlarge, xlarge2, xlarge4, xlarge8}},
	{"c6g", "arm64", 2, []size{medium, large, xlarge, xlarge2, xlarge4}},
	{"c7g", "arm64", 2, []size{medium, large, xlarge, xlarge2, xlarge4}},
	{"r5", "x86_64", 8, []size{large, xlarge, xlarge2, xlarge4, xlarge8}},
	{"r6i", "x86_64", 8, []size{large, xlarge, xlarge2, xlarge4, xlarge8}},
	{"r6g", "arm64", 8, []size{medium, large, xlarge, xlarge2, xlarge4}},
}

// burstable are the T families, whose memory does not scale with vCPUs. t2 keeps 3 ENIs at
// every size from small up; t3, t3a and t4g get a fourth from xlarge.
var burstable = []InstanceType{
	{"t2.nano", 1, 512, "x86_64", 2},
	{"t2.micro", 1, 1024, "x86_64", 2},
	{"t2.small", 1, 2048, "x86_64", 3},
	{"t2.medium", 2, 4096, "x86_64", 3},
	{"t2.large", 2, 8192, "x86_64", 3},
	{"t2.xlarge", 4, 16384, "x86_64", 3},
	{"t2.2xlarge", 8, 32768, "x86_64", 3},
}

var typeIndex = buildTypes()

func buildTypes() map[string]InstanceType {
	out := make(map[string]InstanceType)
	for _, t := range burstable {
		out[t.Name] = t
	}
	t3sizes := []struct {
		suffix    string
		vcpu, mem int
		enis      int
	}{
		{"nano", 2, 512, 2}, {"micro", 2, 1024, 2}, {"small", 2, 2048, 3}, {"medium", 2, 4096, 3},
		{"large", 2, 8192, 3}, {"xlarge", 4, 16384, 4}, {"2xlarge", 8, 32768, 4},
	}
	for _, f := range []struct{ name, arch string }{{"t3", "x86_64"}, {"t3a", "x86_64"}, {"t4g", "arm64"}} {
		for _, s := range t3sizes {
			name := f.name + "." + s.suffix
			out[name] = InstanceType{name, s.vcpu, s.mem, f.arch, s.enis}
		}
	}
	for _, f := range families {
		for _, s := range f.sizes {
			name := f.name + "." + s.suffix
			out[name] = InstanceType{name, s.vcpu, s.vcpu * f.gibPerVCPU * 1024, f.arch, s.enis}
		}
	}
	return out
}
