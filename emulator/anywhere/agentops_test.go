package anywhere

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestApplyContainer holds how an agent's container report changes a task: statuses
// only move forward, a stopped container holds no ports, unknown containers are refused.
func TestApplyContainer(t *testing.T) {
	binding := []ecs.NetworkBinding{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(32768)}}
	tests := []struct {
		name       string
		last       string
		change     ecs.ContainerStateChange
		wantStatus string
		wantPorts  int
		wantErr    bool
	}{
		{"pending to running with ports", ecs.ContainerPending,
			ecs.ContainerStateChange{ContainerName: "web", Status: ecs.ContainerRunning, NetworkBindings: binding}, ecs.ContainerRunning, 1, false},
		{"a late PENDING does not move it back", ecs.ContainerRunning,
			ecs.ContainerStateChange{ContainerName: "web", Status: ecs.ContainerPending}, ecs.ContainerRunning, 0, false},
		{"stopped drops its ports", ecs.ContainerRunning,
			ecs.ContainerStateChange{ContainerName: "web", Status: ecs.ContainerStopped, NetworkBindings: binding, ExitCode: ecs.Ptr(0)}, ecs.ContainerStopped, 0, false},
		{"unknown container", ecs.ContainerPending,
			ecs.ContainerStateChange{ContainerName: "db", Status: ecs.ContainerRunning}, ecs.ContainerPending, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &ecs.Task{Containers: []ecs.Container{{Name: "web", LastStatus: tt.last}}}
			err := applyContainer(task, tt.change)
			if (err != nil) != tt.wantErr {
				t.Fatalf("applyContainer = %v, want error %v", err, tt.wantErr)
			}
			c := task.Containers[0]
			if c.LastStatus != tt.wantStatus || len(c.NetworkBindings) != tt.wantPorts {
				t.Errorf("container %s with %d bindings, want %s with %d", c.LastStatus, len(c.NetworkBindings), tt.wantStatus, tt.wantPorts)
			}
		})
	}
}

func TestCheckContainerStatus(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{{"", true}, {ecs.ContainerPending, true}, {ecs.ContainerRunning, true}, {ecs.ContainerStopped, true}, {"EXITED", false}} {
		if err := checkContainerStatus(tt.s); (err == nil) != tt.ok {
			t.Errorf("checkContainerStatus(%q) = %v, want ok %v", tt.s, err, tt.ok)
		}
	}
}
