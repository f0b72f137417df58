package taskdef

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestRequiresAttributes checks each feature → agent capability mapping.
func TestRequiresAttributes(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*input)
		want   string
	}{
		{"memoryReservation", func(in *input) { app(in).MemoryReservation = ecs.Ptr(128) }, attrReserveAPI},
		{"dependsOn", func(in *input) {
			sidecar(in)
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "START")}
		}, attrOrdering},
		{"privileged", func(in *input) { app(in).Privileged = ecs.Ptr(true) }, attrPrivileged},
		{"private registry", func(in *input) {
			app(in).RepositoryCredentials = &ecs.RepositoryCredentials{CredentialsParameter: "arn:aws:secretsmanager:us-east-1:1:secret:x"}
		}, attrPrivateReg},
		{"secrets manager", func(in *input) {
			app(in).Secrets = []ecs.Secret{{Name: "A", ValueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:x"}}
		}, attrSecretsASM},
		{"ssm", func(in *input) { app(in).Secrets = []ecs.Secret{{Name: "A", ValueFrom: "/prod/db"}} }, attrSecretsSSM},
		{"env files", func(in *input) {
			app(in).EnvironmentFiles = []ecs.EnvironmentFile{{Value: "arn:aws:s3:::b/x.env", Type: "s3"}}
		}, attrEnvFiles},
		{"firelens", func(in *input) { app(in).FirelensConfiguration = &ecs.FirelensConfiguration{Type: "fluentbit"} }, attrFirelens + "fluentbit"},
		{"init", func(in *input) { app(in).LinuxParameters = &ecs.LinuxParameters{InitProcessEnabled: ecs.Ptr(true)} }, attrInitAPI},
		{"efs", func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("v"), EfsVolumeConfiguration: &ecs.EFSVolumeConfiguration{FileSystemID: "fs-1"}}}
		}, attrEFS},
		{"log driver", func(in *input) { app(in).LogConfiguration = &ecs.LogConfiguration{LogDriver: "json-file"} }, attrLogDriver + "json-file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ec2Input()
			tc.mutate(in)
			td := mustBuild(t, in)
			for _, a := range td.RequiresAttributes {
				if a.Name == tc.want {
					return
				}
			}
			t.Errorf("requiresAttributes %v lacks %s", td.RequiresAttributes, tc.want)
		})
	}
}
