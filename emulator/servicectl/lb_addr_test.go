package servicectl

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The balancer dials a target where the runtime published it: 127.0.0.1 for a wildcard
// or 127.0.0.1 bind, a simulated instance's own loopback address for its tasks.
func TestTargetAddr(t *testing.T) {
	tests := []struct {
		bindIP, want string
	}{
		{"0.0.0.0", "127.0.0.1:32768"},
		{"127.0.0.1", "127.0.0.1:32768"},
		{"", "127.0.0.1:32768"},
		{"::", "127.0.0.1:32768"},
		{"127.77.1.2", "127.77.1.2:32768"},
	}
	for _, tc := range tests {
		task := &ecs.Task{Containers: []ecs.Container{{Name: "web", NetworkBindings: []ecs.NetworkBinding{
			{BindIP: tc.bindIP, ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(32768)}}}}}
		if got := targetAddr(task, "web", 80); got != tc.want {
			t.Errorf("bindIP %q: targetAddr = %q, want %q", tc.bindIP, got, tc.want)
		}
	}
	if got := targetAddr(&ecs.Task{}, "web", 80); got != "" {
		t.Errorf("no binding: %q", got)
	}
}
