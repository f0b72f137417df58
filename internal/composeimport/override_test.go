package composeimport

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Several files merge in order, --env-file replaces .env for interpolation, and a
// profile brings in its services, as docker compose does.
func TestLoadMergesFilesProfilesAndEnvFiles(t *testing.T) {
	dir := filepath.Join("testdata", "override")
	tests := []struct {
		name         string
		o            LoadOptions
		wantImage    string
		wantReplicas int
		wantMode     string
		wantServices int
	}{
		{"one file", LoadOptions{Files: []string{filepath.Join(dir, "compose.yaml")}}, "ecsmini-demo:latest", 1, "", 1},
		{"merged, env file, profile", LoadOptions{
			Files:    []string{filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "compose.prod.yaml")},
			EnvFiles: []string{filepath.Join(dir, "prod.env")}, Profiles: []string{"debug"},
		}, "ecsmini-demo:v7", 3, "prod", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(context.Background(), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := Convert(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Services) != tt.wantServices {
				t.Errorf("%d services, want %d", len(plan.Services), tt.wantServices)
			}
			web, ok := plan.Service("web")
			if !ok {
				t.Fatal("no web")
			}
			cd := web.TaskDefinition.ContainerDefinitions[0]
			if got := ecs.Deref(cd.Image); got != tt.wantImage {
				t.Errorf("image %s, want %s", got, tt.wantImage)
			}
			if got := ecs.Deref(web.Service.DesiredCount); got != tt.wantReplicas {
				t.Errorf("desiredCount %d, want %d", got, tt.wantReplicas)
			}
			mode := ""
			for _, kv := range cd.Environment {
				if ecs.Deref(kv.Name) == "MODE" {
					mode = ecs.Deref(kv.Value)
				}
			}
			if mode != tt.wantMode {
				t.Errorf("MODE=%q, want %q", mode, tt.wantMode)
			}
		})
	}
}
