package composeimport

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// x-ecs.deployment selects a deployment strategy; deploy.update_config stays ROLLING's.
func TestXECSDeploymentStrategy(t *testing.T) {
	tests := []struct {
		name, yaml string
		check      func(*ecs.CreateServiceInput) string // "" when right
		wantErr    string
	}{
		{name: "canary with a test listener", yaml: `services:
  web:
    image: x
    ports: ["8080:80"]
    deploy: {update_config: {order: start-first}}
    x-ecs:
      deployment:
        strategy: CANARY
        canary: {percent: 10, bakeMinutes: 5}
        bakeTimeMinutes: 10
        hooks: [{target: "arn:aws:lambda:us-east-1:000000000000:function:check", stages: [POST_TEST_TRAFFIC_SHIFT], timeoutMinutes: 5}]
        alarms: {names: [web-5xx], rollback: true}
`, check: func(in *ecs.CreateServiceInput) string {
			dc := in.DeploymentConfiguration
			switch {
			case dc == nil || dc.Strategy != "CANARY" || ecs.Deref(dc.BakeTimeInMinutes) != 10:
				return "strategy and bake time"
			case dc.CanaryConfiguration == nil || ecs.Deref(dc.CanaryConfiguration.CanaryPercent) != 10 || ecs.Deref(dc.CanaryConfiguration.CanaryBakeTimeInMinutes) != 5:
				return "canary"
			case len(dc.LifecycleHooks) != 1 || dc.LifecycleHooks[0].TimeoutConfiguration == nil:
				return "hooks"
			case dc.Alarms == nil || !dc.Alarms.Enable || !dc.Alarms.Rollback || dc.Alarms.AlarmNames[0] != "web-5xx":
				return "alarms"
			case ecs.Deref(dc.MaximumPercent) != 200:
				return "update_config's percentages"
			case len(in.LoadBalancers) != 1 || in.LoadBalancers[0].AdvancedConfiguration == nil ||
				!strings.Contains(in.LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn, ":targetgroup/") ||
				in.LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn == in.LoadBalancers[0].TargetGroupArn:
				return "the alternate target group"
			}
			return ""
		}},
		{name: "rolling keeps no advanced configuration", yaml: `services:
  web:
    image: x
    ports: ["8080:80"]
    x-ecs: {deployment: {strategy: ROLLING}}
`, check: func(in *ecs.CreateServiceInput) string {
			if in.LoadBalancers[0].AdvancedConfiguration != nil {
				return "advancedConfiguration on ROLLING"
			}
			return ""
		}},
		{name: "blue/green without bake time", yaml: "services:\n  a:\n    image: x\n    x-ecs: {deployment: {strategy: BLUE_GREEN}}\n",
			wantErr: "bakeTimeInMinutes is required"},
		{name: "unknown key", yaml: "services:\n  a:\n    image: x\n    x-ecs: {deployment: {strategy: CANARY, canary: {pct: 3}}}\n", wantErr: "pct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "compose.yaml")
			if err := writeFile(path, tt.yaml); err != nil {
				t.Fatal(err)
			}
			p, err := Load(context.Background(), LoadOptions{Files: []string{path}})
			if err != nil {
				t.Fatal(err)
			}
			plan, err := Convert(p, Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(plan.Services[0].Service); msg != "" {
				t.Errorf("%s: %+v", msg, plan.Services[0].Service.DeploymentConfiguration)
			}
		})
	}
}
