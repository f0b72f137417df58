package anywhere

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestApplyHealth holds how reported container health makes the task's: only essential
// containers with a health check count, any UNHEALTHY one makes the task UNHEALTHY, and
// a report naming a container the task lacks is refused.
func TestApplyHealth(t *testing.T) {
	check := &ecs.HealthCheck{Command: []string{"CMD-SHELL", "true"}}
	td := &ecs.TaskDefinition{ContainerDefinitions: []ecs.ContainerDefinition{
		{Name: ecs.Ptr("web"), HealthCheck: check},
		{Name: ecs.Ptr("side"), Essential: ecs.Ptr(false), HealthCheck: check},
		{Name: ecs.Ptr("plain")},
	}}
	report := func(kv ...string) []ContainerHealthReport {
		var out []ContainerHealthReport
		for i := 0; i < len(kv); i += 2 {
			out = append(out, ContainerHealthReport{ContainerName: kv[i], HealthStatus: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name     string
		report   []ContainerHealthReport
		wantTask string
		wantErr  bool
	}{
		{"no check has answered", report("web", ecs.HealthUnknown, "side", ecs.HealthUnknown), ecs.HealthUnknown, false},
		{"the essential check passes", report("web", ecs.HealthHealthy), ecs.HealthHealthy, false},
		{"the essential check fails", report("web", ecs.HealthUnhealthy, "side", ecs.HealthHealthy), ecs.HealthUnhealthy, false},
		{"a non-essential container does not count", report("web", ecs.HealthHealthy, "side", ecs.HealthUnhealthy), ecs.HealthHealthy, false},
		{"a container without a check does not count", report("web", ecs.HealthHealthy, "plain", ecs.HealthUnhealthy), ecs.HealthHealthy, false},
		{"unknown container", report("db", ecs.HealthHealthy), ecs.HealthUnknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &ecs.Task{HealthStatus: ecs.HealthUnknown}
			for _, n := range []string{"web", "side", "plain"} {
				task.Containers = append(task.Containers, ecs.Container{Name: n, HealthStatus: ecs.HealthUnknown})
			}
			err := applyHealth(task, td, tt.report)
			if (err != nil) != tt.wantErr {
				t.Fatalf("applyHealth = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if task.HealthStatus != tt.wantTask {
				t.Errorf("task healthStatus %s, want %s", task.HealthStatus, tt.wantTask)
			}
			for _, r := range tt.report {
				if c := task.Containers[containerIndex(task, r.ContainerName)]; c.HealthStatus != r.HealthStatus {
					t.Errorf("container %s healthStatus %s, want %s", c.Name, c.HealthStatus, r.HealthStatus)
				}
			}
		})
	}
}
