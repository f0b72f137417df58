package fargatectl

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestRunningSpot holds which tasks a Spot interruption may reclaim: running Fargate
// Spot tasks that are meant to keep running.
func TestRunningSpot(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		last     ecs.TaskStatus
		desired  ecs.TaskStatus
		want     bool
	}{
		{"running Spot", ecs.FargateSpot, ecs.StatusRunning, ecs.StatusRunning, true},
		{"on-demand Fargate", ecs.Fargate, ecs.StatusRunning, ecs.StatusRunning, false},
		{"Spot still starting", ecs.FargateSpot, ecs.StatusPending, ecs.StatusRunning, false},
		{"Spot already told to stop", ecs.FargateSpot, ecs.StatusRunning, ecs.StatusStopped, false},
		{"no provider", "", ecs.StatusRunning, ecs.StatusRunning, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &ecs.Task{CapacityProviderName: tt.provider, LastStatus: tt.last, DesiredStatus: tt.desired}
			if got := runningSpot(task); got != tt.want {
				t.Errorf("runningSpot = %v, want %v", got, tt.want)
			}
		})
	}
}
