package taskdef

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ec2Input is a minimal valid definition with no launch type required (bridge mode).
func ec2Input() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: "web",
		ContainerDefinitions: []ecs.ContainerDefinition{
			{Name: ecs.Ptr("app"), Image: ecs.Ptr("nginx:1.27"), Memory: ecs.Ptr(256)},
		},
	}
}

// fargateInput is a minimal valid definition that requires FARGATE.
func fargateInput() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  "api",
		NetworkMode:             ecs.Ptr(ecs.NetworkAwsvpc),
		RequiresCompatibilities: []string{ecs.LaunchFargate},
		Cpu:                     ecs.Ptr("256"),
		Memory:                  ecs.Ptr("512"),
		ContainerDefinitions: []ecs.ContainerDefinition{
			{Name: ecs.Ptr("app"), Image: ecs.Ptr("nginx:1.27")},
		},
	}
}

// app returns the first container of in, for mutations.
func app(in *ecs.RegisterTaskDefinitionInput) *ecs.ContainerDefinition {
	return &in.ContainerDefinitions[0]
}

// sidecar appends a second, valid container and returns it.
func sidecar(in *ecs.RegisterTaskDefinitionInput) *ecs.ContainerDefinition {
	in.ContainerDefinitions = append(in.ContainerDefinitions,
		ecs.ContainerDefinition{Name: ecs.Ptr("side"), Image: ecs.Ptr("busybox"), Memory: ecs.Ptr(64)})
	return &in.ContainerDefinitions[len(in.ContainerDefinitions)-1]
}

// ruleCase is one rule: a valid base, a mutation that breaks exactly that rule, and a
// substring of the message ECS gives for it.
type ruleCase struct {
	name   string
	base   func() *ecs.RegisterTaskDefinitionInput
	mutate func(*ecs.RegisterTaskDefinitionInput)
	want   string
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.base()
			if _, err := Build(in); err != nil {
				t.Fatalf("base must be valid, got %v", err)
			}
			tc.mutate(in)
			td, err := Build(in)
			if err == nil {
				t.Fatalf("Build accepted the definition: %+v", td)
			}
			e, ok := ecs.AsError(err)
			if !ok || e.Code != ecs.CodeClient {
				t.Fatalf("want ClientException, got %#v", err)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Fatalf("message %q does not contain %q", e.Message, tc.want)
			}
		})
	}
}

// mustBuild builds in and fails the test on error.
func mustBuild(t *testing.T, in *ecs.RegisterTaskDefinitionInput) *ecs.TaskDefinition {
	t.Helper()
	td, err := Build(in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return td
}
