package ec2sim

import (
	"sort"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestLookupInstanceType(t *testing.T) {
	tests := []struct {
		name               string
		vcpu, mem, enis    int
		arch               string
		cpuUnits, taskENIs int
	}{
		{"t2.micro", 1, 1024, 2, "x86_64", 1024, 1},
		{"t2.medium", 2, 4096, 3, "x86_64", 2048, 2},
		{"t3.micro", 2, 1024, 2, "x86_64", 2048, 1},
		{"t3.xlarge", 4, 16384, 4, "x86_64", 4096, 3},
		{"t3a.2xlarge", 8, 32768, 4, "x86_64", 8192, 3},
		{"t4g.small", 2, 2048, 3, "arm64", 2048, 2},
		{"m5.large", 2, 8192, 3, "x86_64", 2048, 2},
		{"m5.xlarge", 4, 16384, 4, "x86_64", 4096, 3}, // spec 3.2: m5.xlarge holds 3 awsvpc tasks
		{"m5.4xlarge", 16, 65536, 8, "x86_64", 16384, 7},
		{"m5.12xlarge", 48, 196608, 8, "x86_64", 49152, 7},
		{"m5.16xlarge", 64, 262144, 15, "x86_64", 65536, 14},
		{"m6i.2xlarge", 8, 32768, 4, "x86_64", 8192, 3},
		{"m7i.large", 2, 8192, 3, "x86_64", 2048, 2},
		{"m6g.medium", 1, 4096, 2, "arm64", 1024, 1},
		{"m7g.4xlarge", 16, 65536, 8, "arm64", 16384, 7},
		{"c5.large", 2, 4096, 3, "x86_64", 2048, 2}, // spec 3.2: c5.large = 3 ENIs -> 2 tasks
		{"c5.9xlarge", 36, 73728, 8, "x86_64", 36864, 7},
		{"c6i.xlarge", 4, 8192, 4, "x86_64", 4096, 3},
		{"c6g.2xlarge", 8, 16384, 4, "arm64", 8192, 3},
		{"c7g.large", 2, 4096, 3, "arm64", 2048, 2},
		{"r5.large", 2, 16384, 3, "x86_64", 2048, 2},
		{"r6i.4xlarge", 16, 131072, 8, "x86_64", 16384, 7},
		{"r6g.xlarge", 4, 32768, 4, "arm64", 4096, 3},
	}
	for _, tt := range tests {
		it, ok := LookupInstanceType(tt.name)
		if !ok {
			t.Errorf("%s not in the table", tt.name)
			continue
		}
		want := InstanceType{tt.name, tt.vcpu, tt.mem, tt.arch, tt.enis}
		if it != want {
			t.Errorf("LookupInstanceType(%q) = %+v, want %+v", tt.name, it, want)
		}
		if it.CPUUnits() != tt.cpuUnits || it.TaskENIs() != tt.taskENIs {
			t.Errorf("%s: CPUUnits %d TaskENIs %d, want %d %d", tt.name, it.CPUUnits(), it.TaskENIs(), tt.cpuUnits, tt.taskENIs)
		}
	}
	for _, name := range []string{"", "m5", "m5.huge", "M5.LARGE", "p4d.24xlarge"} {
		if _, ok := LookupInstanceType(name); ok {
			t.Errorf("LookupInstanceType(%q) found a type", name)
		}
	}
}

func TestInstanceTypesSortedAndConsistent(t *testing.T) {
	all := InstanceTypes()
	if len(all) < 60 {
		t.Fatalf("only %d instance types", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
		t.Error("InstanceTypes is not sorted by name")
	}
	for _, it := range all {
		got, ok := LookupInstanceType(it.Name)
		if !ok || got != it {
			t.Errorf("%s: the list and the lookup disagree", it.Name)
		}
		if it.VCPU < 1 || it.ENIs < 2 || (it.Arch != "x86_64" && it.Arch != "arm64") {
			t.Errorf("%s: implausible %+v", it.Name, it)
		}
		if strings.HasPrefix(it.Name, "t4g.") || strings.Contains(it.Name, "g.") {
			if it.Arch != "arm64" {
				t.Errorf("%s is a Graviton type but not arm64", it.Name)
			}
		}
		if r := it.RegisteredMemory(); r <= 0 || r >= it.MemoryMiB {
			t.Errorf("%s registers %d of %d MiB", it.Name, r, it.MemoryMiB)
		}
	}
	all[0].Name = "changed"
	if InstanceTypes()[0].Name == "changed" {
		t.Error("InstanceTypes shares its slice with the table")
	}
}

func TestRegisteredMemory(t *testing.T) {
	tests := []struct {
		nominal, want int
	}{
		{8192, 7985}, // the guide's m4.large example (spec 3.2)
		{4096, 3953},
		{1024, 929},
		{65536, 64433},
		{0, 0},
		{50, 0},
	}
	for _, tt := range tests {
		if got := (InstanceType{MemoryMiB: tt.nominal}).RegisteredMemory(); got != tt.want {
			t.Errorf("RegisteredMemory(%d MiB) = %d, want %d", tt.nominal, got, tt.want)
		}
	}
	if (InstanceType{}).TaskENIs() != 0 {
		t.Error("a type without ENIs holds awsvpc tasks")
	}
}

func TestBuiltinAttributes(t *testing.T) {
	it, _ := LookupInstanceType("c6g.large")
	attrs := BuiltinAttributes(it, "us-east-1b", "ami-0abc")
	got := map[string]*string{}
	for _, a := range attrs {
		if _, dup := got[a.Name]; dup {
			t.Errorf("attribute %s twice", a.Name)
		}
		got[a.Name] = a.Value
	}
	want := map[string]string{
		"ecs.instance-type":     "c6g.large",
		"ecs.availability-zone": "us-east-1b",
		"ecs.os-type":           "linux",
		"ecs.os-family":         "LINUX",
		"ecs.cpu-architecture":  "arm64",
		"ecs.ami-id":            "ami-0abc",
	}
	for name, v := range want {
		if got[name] == nil || *got[name] != v {
			t.Errorf("%s = %v, want %q", name, got[name], v)
		}
	}
	for _, name := range []string{
		"com.amazonaws.ecs.capability.docker-remote-api.1.17", "com.amazonaws.ecs.capability.docker-remote-api.1.29",
		"com.amazonaws.ecs.capability.logging-driver.awslogs", "com.amazonaws.ecs.capability.privileged-container",
		"com.amazonaws.ecs.capability.ecr-auth", "com.amazonaws.ecs.capability.task-iam-role",
		"ecs.capability.execution-role-ecr-pull", "ecs.capability.task-eni",
	} {
		v, ok := got[name]
		if !ok || v != nil {
			t.Errorf("capability %s: present %v, value %v; want present without a value", name, ok, v)
		}
	}
	vpc, subnet := *got["ecs.vpc-id"], *got["ecs.subnet-id"]
	if !strings.HasPrefix(vpc, "vpc-") || len(vpc) != 12 || !strings.HasPrefix(subnet, "subnet-") || len(subnet) != 15 {
		t.Errorf("vpc %q subnet %q are not AWS-shaped", vpc, subnet)
	}
	other := map[string]string{}
	for _, a := range BuiltinAttributes(it, "us-east-1c", "ami-0abc") {
		if a.Value != nil {
			other[a.Name] = *a.Value
		}
	}
	if other["ecs.vpc-id"] != vpc {
		t.Error("two AZs of one region are in different VPCs")
	}
	if other["ecs.subnet-id"] == subnet {
		t.Error("two AZs share a subnet")
	}
	again := BuiltinAttributes(it, "us-east-1b", "ami-0abc")
	if *findAttr(again, "ecs.vpc-id") != vpc || *findAttr(again, "ecs.subnet-id") != subnet {
		t.Error("ids are not stable")
	}
}

func findAttr(attrs []ecs.Attribute, name string) *string {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}
