package taskdef

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestAllProblemsReported proves one Build reports every problem, task-level first and
// then each container in order, joined by single spaces, starting with ECS's own text.
func TestAllProblemsReported(t *testing.T) {
	in := fargateInput()
	in.NetworkMode = ecs.Ptr(ecs.NetworkBridge)
	in.Cpu = nil
	app(in).Privileged = ecs.Ptr(true)
	side := sidecar(in)
	side.Image = nil
	side.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD", "true"}, Retries: ecs.Ptr(0)}

	_, err := Build(in)
	e, ok := ecs.AsError(err)
	if !ok || e.Code != ecs.CodeClient {
		t.Fatalf("want ClientException, got %v", err)
	}
	want := strings.Join([]string{
		msgFargateNetwork,
		msgFargateNeedsCPU,
		fargateUnsupported("privileged"),
		msgImageBlank,
		"Invalid setting for container 'side'. healthCheck.retries must be between 1 and 10.",
	}, " ")
	if e.Message != want {
		t.Errorf("message:\n got %q\nwant %q", e.Message, want)
	}
}

func TestNilAndEmptyInput(t *testing.T) {
	for _, in := range []*ecs.RegisterTaskDefinitionInput{nil, {}} {
		_, err := Build(in)
		e, ok := ecs.AsError(err)
		if !ok || e.Message != msgFamilyBlank+" "+msgContainersEmpty {
			t.Errorf("Build(%v) = %v", in, err)
		}
	}
}

// FuzzBuild decodes arbitrary JSON into the request type and checks that Build never
// panics, and that it either fails with a ClientException or returns a definition.
func FuzzBuild(f *testing.F) {
	for _, in := range []*ecs.RegisterTaskDefinitionInput{ec2Input(), fargateInput(), typicalInput()} {
		raw, _ := json.Marshal(in)
		f.Add(raw)
	}
	f.Add([]byte(`{"containerDefinitions":[{"dependsOn":[{"containerName":""}],"portMappings":[{"containerPortRange":"1-"}]}]}`))
	f.Add([]byte(`{"family":"x","cpu":"1e400 vcpu","memory":"-0 gb","volumes":[{"host":{}}],"containerDefinitions":[{"name":"a","image":"b","healthCheck":{},"linuxParameters":{"capabilities":{}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in ecs.RegisterTaskDefinitionInput
		if json.Unmarshal(data, &in) != nil {
			return
		}
		td, err := Build(&in)
		if err != nil {
			if e, ok := ecs.AsError(err); !ok || e.Code != ecs.CodeClient || e.Message == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if td == nil || len(td.ContainerDefinitions) == 0 || len(td.Compatibilities) == 0 {
			t.Fatalf("accepted but incomplete: %+v", td)
		}
	})
}

// typicalInput is a realistic 3-container service: app, log router and a migration job.
func typicalInput() *ecs.RegisterTaskDefinitionInput {
	in := fargateInput()
	in.Cpu = ecs.Ptr("1 vCPU")
	in.Memory = ecs.Ptr("2 GB")
	in.ExecutionRoleArn = ecs.Ptr("arn:aws:iam::123456789012:role/exec")
	logs := &ecs.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-group": "/ecs/api", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}}
	in.ContainerDefinitions = []ecs.ContainerDefinition{
		{Name: ecs.Ptr("app"), Image: ecs.Ptr("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"),
			Cpu: 512, MemoryReservation: ecs.Ptr(1024), LogConfiguration: logs,
			PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(8080), Name: ecs.Ptr("http")}},
			Environment:  []ecs.KeyValuePair{{Name: ecs.Ptr("ENV"), Value: ecs.Ptr("prod")}},
			HealthCheck:  &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost:8080/health"}},
			DependsOn:    []ecs.ContainerDependency{{ContainerName: "migrate", Condition: "SUCCESS"}, {ContainerName: "envoy", Condition: "HEALTHY"}}},
		{Name: ecs.Ptr("envoy"), Image: ecs.Ptr("envoyproxy/envoy:v1.31"), Cpu: 256, MemoryReservation: ecs.Ptr(256),
			LogConfiguration: logs, PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(9901)}},
			HealthCheck: &ecs.HealthCheck{Command: []string{"CMD", "/ready"}, Interval: ecs.Ptr(10), StartPeriod: ecs.Ptr(15)}},
		{Name: ecs.Ptr("migrate"), Image: ecs.Ptr("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"),
			Essential: ecs.Ptr(false), Command: []string{"migrate", "up"}, LogConfiguration: logs},
	}
	return in
}

func TestTypicalInputIsValid(t *testing.T) {
	td := mustBuild(t, typicalInput())
	if got := strings.Join(td.Compatibilities, ","); got != "EC2,FARGATE" {
		t.Errorf("compatibilities = %s", got)
	}
}

func BenchmarkBuild(b *testing.B) {
	in := typicalInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(in); err != nil {
			b.Fatal(err)
		}
	}
}
