package composeimport

import (
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// update_config's order and parallelism become the deployment's percentages, and
// failure_action the circuit breaker.
func TestUpdateConfig(t *testing.T) {
	u := func(n uint64) *uint64 { return &n }
	tests := []struct {
		name             string
		replicas         int
		cfg              types.UpdateConfig
		wantMin, wantMax int
		wantBreaker      *ecs.DeploymentCircuitBreaker
	}{
		{"stop-first default parallelism", 4, types.UpdateConfig{}, 75, 100, nil},
		{"stop-first 2 of 4", 4, types.UpdateConfig{Parallelism: u(2)}, 50, 100, nil},
		{"start-first 1 of 3", 3, types.UpdateConfig{Order: "start-first"}, 100, 134, nil},
		{"start-first all of 2", 2, types.UpdateConfig{Order: "start-first", Parallelism: u(5)}, 100, 200, nil},
		{"stop-first one replica", 1, types.UpdateConfig{}, 0, 100, nil},
		{"rollback", 2, types.UpdateConfig{Order: "start-first", FailureAction: "rollback"}, 100, 150, &ecs.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		{"pause", 2, types.UpdateConfig{Order: "start-first", FailureAction: "pause"}, 100, 150, &ecs.DeploymentCircuitBreaker{Enable: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			c := &serviceConverter{s: types.ServiceConfig{Name: "s", Deploy: &types.DeployConfig{UpdateConfig: &cfg}}}
			dc := &ecs.DeploymentConfiguration{}
			c.updateConfig(dc, tt.replicas)
			if got := ecs.Deref(dc.MinimumHealthyPercent); got != tt.wantMin {
				t.Errorf("minimumHealthyPercent %d, want %d", got, tt.wantMin)
			}
			if got := ecs.Deref(dc.MaximumPercent); got != tt.wantMax {
				t.Errorf("maximumPercent %d, want %d", got, tt.wantMax)
			}
			if (dc.DeploymentCircuitBreaker == nil) != (tt.wantBreaker == nil) ||
				(tt.wantBreaker != nil && *dc.DeploymentCircuitBreaker != *tt.wantBreaker) {
				t.Errorf("circuit breaker %+v, want %+v", dc.DeploymentCircuitBreaker, tt.wantBreaker)
			}
		})
	}
}

func TestTargetGroupName(t *testing.T) {
	tests := []struct{ project, service string }{
		{"shop", "web"},
		{"a-very-long-project-name-indeed", "and-a-long-service"},
		{"a-very-long-project-name-indeed", "and-a-long-servicf"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		n := targetGroupName(tt.project, tt.service, 8080)
		if len(n) > 32 || seen[n] {
			t.Errorf("targetGroupName(%q, %q) = %q: longer than 32 or not unique", tt.project, tt.service, n)
		}
		seen[n] = true
	}
	if n := targetGroupName("shop", "web", 8080); n != "shop-web-8080" {
		t.Errorf("short name %q, want shop-web-8080", n)
	}
}
