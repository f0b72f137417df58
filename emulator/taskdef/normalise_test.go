package taskdef

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestParseUnits(t *testing.T) {
	cpu := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1024", 1024, true}, {"1 vCPU", 1024, true}, {"1 vcpu", 1024, true}, {".25 vcpu", 256, true},
		{"0.5vCPU", 512, true}, {" 2 VCPU ", 2048, true}, {"16 vcpu", 16384, true},
		{"", 0, false}, {"vcpu", 0, false}, {"-1", 0, false}, {"1e3 vcpu", 0, false},
		{"NaN vcpu", 0, false}, {"0.1 vcpu", 0, false}, {"1024 units", 0, false},
	}
	for _, tc := range cpu {
		if got, ok := parseTaskCPU(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseTaskCPU(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	mem := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1024", 1024, true}, {"1GB", 1024, true}, {"1 GB", 1024, true}, {".5 gb", 512, true},
		{"30 GB", 30720, true}, {"0", 0, false}, {"1 TB", 0, false}, {"1.0001 GB", 0, false},
	}
	for _, tc := range mem {
		if got, ok := parseTaskMemory(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseTaskMemory(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormalisation(t *testing.T) {
	in := fargateInput()
	in.Cpu = ecs.Ptr(".25 vcpu")
	in.Memory = ecs.Ptr(".5 gb")
	in.ExecutionRoleArn = ecs.Ptr("arn:aws:iam::123456789012:role/exec")
	in.TaskRoleArn = ecs.Ptr("arn:aws:iam::123456789012:role/task")
	in.Tags = []ecs.Tag{{Key: ecs.Ptr("team"), Value: ecs.Ptr("core")}}
	c := app(in)
	c.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(8080)}}
	c.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -f localhost:8080"}}
	c.LogConfiguration = &ecs.LogConfiguration{LogDriver: "awslogs"}
	c.Image = ecs.Ptr("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1")
	helper := sidecar(in)
	helper.Essential = ecs.Ptr(false)
	helper.Memory = nil

	td := mustBuild(t, in)
	if ecs.Deref(td.Cpu) != "256" || ecs.Deref(td.Memory) != "512" {
		t.Errorf("cpu/memory = %q/%q, want 256/512", ecs.Deref(td.Cpu), ecs.Deref(td.Memory))
	}
	if got := strings.Join(td.Compatibilities, ","); got != "EC2,FARGATE" {
		t.Errorf("compatibilities = %s", got)
	}
	a := td.ContainerDefinitions[0]
	if !ecs.Deref(a.Essential) || ecs.Deref(td.ContainerDefinitions[1].Essential) || td.ContainerDefinitions[1].Essential == nil {
		t.Error("essential must be explicit true/false")
	}
	pm := a.PortMappings[0]
	if ecs.Deref(pm.HostPort) != 8080 || ecs.Deref(pm.Protocol) != "tcp" {
		t.Errorf("port mapping not normalised: host %d proto %q", ecs.Deref(pm.HostPort), ecs.Deref(pm.Protocol))
	}
	hc := a.HealthCheck
	if ecs.Deref(hc.Interval) != 30 || ecs.Deref(hc.Timeout) != 5 || ecs.Deref(hc.Retries) != 3 || hc.StartPeriod != nil {
		t.Errorf("health check defaults wrong: %+v", hc)
	}
	if a.Cpu != 0 {
		t.Errorf("cpu = %d, want 0", a.Cpu)
	}

	// The wire form carries [] (not null) where ECS echoes empty lists, and no tags.
	raw, _ := json.Marshal(td)
	s := string(raw)
	for _, want := range []string{`"environment":[]`, `"mountPoints":[]`, `"volumesFrom":[]`, `"systemControls":[]`,
		`"volumes":[]`, `"placementConstraints":[]`, `"essential":false`, `"cpu":0`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	if strings.Contains(s, "team") || strings.Contains(s, "tags") {
		t.Error("tags must not be part of the task definition")
	}
	if td.TaskDefinitionArn != "" || td.Revision != 0 || td.Status != "" || td.RegisteredAt != nil {
		t.Error("Build must leave ARN, revision, status and timestamps to the caller")
	}

	names := map[string]bool{}
	for _, at := range td.RequiresAttributes {
		names[at.Name] = true
	}
	for _, want := range []string{attrBaselineAPI, attrTaskENI, attrHealthCheck, attrTaskRole, attrExecLogs,
		attrLogDriver + "awslogs", attrECRAuth, attrExecECR} {
		if !names[want] {
			t.Errorf("requiresAttributes lacks %s: %v", want, td.RequiresAttributes)
		}
	}
	if !sortedAttrs(td.RequiresAttributes) {
		t.Error("requiresAttributes must be sorted")
	}
}

func sortedAttrs(as []ecs.Attribute) bool {
	for i := 1; i < len(as); i++ {
		if as[i-1].Name >= as[i].Name {
			return false
		}
	}
	return true
}

func TestBridgeNormalisationAndCompatibilities(t *testing.T) {
	in := ec2Input()
	app(in).PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), Protocol: ecs.Ptr("udp")}}
	app(in).DependsOn = nil
	td := mustBuild(t, in)
	pm := td.ContainerDefinitions[0].PortMappings[0]
	if ecs.Deref(pm.HostPort) != 0 || pm.HostPort == nil || ecs.Deref(pm.Protocol) != "udp" {
		t.Errorf("bridge mapping: host %v proto %q", pm.HostPort, ecs.Deref(pm.Protocol))
	}
	if td.NetworkMode != nil {
		t.Error("networkMode is echoed only when given")
	}
	if got := strings.Join(td.Compatibilities, ","); got != "EXTERNAL,EC2" {
		t.Errorf("compatibilities = %s", got)
	}
	if len(td.RequiresAttributes) != 1 || td.RequiresAttributes[0].Name != attrBaselineAPI {
		t.Errorf("requiresAttributes = %v", td.RequiresAttributes)
	}
}

func TestCompatibilitiesFargateWhenEligible(t *testing.T) {
	in := fargateInput()
	in.RequiresCompatibilities = nil
	if got := strings.Join(mustBuild(t, in).Compatibilities, ","); got != "EC2,FARGATE" {
		t.Errorf("awsvpc definition with a Fargate size: %s, want EC2,FARGATE", got)
	}
	in.Memory = ecs.Ptr("4096") // not a Fargate combination with 256 cpu
	if got := strings.Join(mustBuild(t, in).Compatibilities, ","); got != "EC2" {
		t.Errorf("awsvpc definition without a Fargate size: %s, want EC2", got)
	}
	in = fargateInput()
	in.RequiresCompatibilities = []string{ecs.LaunchFargate, "MANAGED_INSTANCES"}
	if got := strings.Join(mustBuild(t, in).Compatibilities, ","); got != "EC2,FARGATE,MANAGED_INSTANCES" {
		t.Errorf("managed instances requested: %s", got)
	}
}

func TestBuildDoesNotMutateInput(t *testing.T) {
	in := fargateInput()
	app(in).PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80)}}
	app(in).HealthCheck = healthy()
	before, _ := json.Marshal(in)
	mustBuild(t, in)
	after, _ := json.Marshal(in)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("input changed:\n%s\n%s", before, after)
	}
}
