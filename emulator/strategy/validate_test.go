package strategy

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestValidate(t *testing.T) {
	hook := func(h ecs.DeploymentLifecycleHook) *ecs.DeploymentConfiguration {
		dc := dcOf(BlueGreen, 5)
		dc.LifecycleHooks = []ecs.DeploymentLifecycleHook{h}
		return dc
	}
	lambda := "arn:aws:lambda:us-east-1:000000000000:function:check"
	tests := []struct {
		name   string
		dc     *ecs.DeploymentConfiguration
		lbs    []ecs.LoadBalancer
		daemon bool
		want   string // "" accepted, else a part of the message
	}{
		{name: "no configuration", dc: nil},
		{name: "blue/green", dc: dcOf(BlueGreen, 5)},
		{name: "unknown strategy", dc: &ecs.DeploymentConfiguration{Strategy: "SLOW"}, want: "Invalid strategy 'SLOW'. Valid values: ROLLING, BLUE_GREEN, LINEAR, CANARY."},
		{name: "blue/green needs a bake time", dc: &ecs.DeploymentConfiguration{Strategy: BlueGreen}, want: "bakeTimeInMinutes is required"},
		{name: "bake over a day", dc: dcOf(BlueGreen, 1441), want: "bakeTimeInMinutes must be between 0 and 1440."},
		{name: "daemon", dc: dcOf(Canary, 0), daemon: true, want: "ROLLING deployment strategy only"},
		{name: "linear config on canary", dc: &ecs.DeploymentConfiguration{Strategy: Canary, LinearConfiguration: &ecs.LinearConfiguration{}}, want: "linearConfiguration is valid only with the LINEAR"},
		{name: "step 2%", dc: &ecs.DeploymentConfiguration{Strategy: Linear, LinearConfiguration: &ecs.LinearConfiguration{StepPercent: ecs.Ptr(2.0)}}, want: "stepPercent must be a multiple of 0.1 between 3.0 and 100.0."},
		{name: "step 3.25%", dc: &ecs.DeploymentConfiguration{Strategy: Linear, LinearConfiguration: &ecs.LinearConfiguration{StepPercent: ecs.Ptr(3.25)}}, want: "stepPercent"},
		{name: "step 12.5%", dc: &ecs.DeploymentConfiguration{Strategy: Linear, LinearConfiguration: &ecs.LinearConfiguration{StepPercent: ecs.Ptr(12.5)}}},
		{name: "canary 0%", dc: &ecs.DeploymentConfiguration{Strategy: Canary, CanaryConfiguration: &ecs.CanaryConfiguration{CanaryPercent: ecs.Ptr(0.0)}}, want: "canaryPercent must be a multiple of 0.1 between 0.1 and 100.0."},
		{name: "canary bake -1", dc: &ecs.DeploymentConfiguration{Strategy: Canary, CanaryConfiguration: &ecs.CanaryConfiguration{CanaryBakeTimeInMinutes: ecs.Ptr(-1)}}, want: "canaryBakeTimeInMinutes must be between 0 and 1440."},
		{name: "canary config on linear", dc: &ecs.DeploymentConfiguration{Strategy: Linear, CanaryConfiguration: &ecs.CanaryConfiguration{}}, want: "canaryConfiguration is valid only with the CANARY"},
		{name: "hooks on rolling", dc: &ecs.DeploymentConfiguration{LifecycleHooks: []ecs.DeploymentLifecycleHook{{HookTargetArn: lambda, LifecycleStages: []string{StagePreScaleUp}}}}, want: "lifecycleHooks are supported only"},
		{name: "hook without target", dc: hook(ecs.DeploymentLifecycleHook{LifecycleStages: []string{StagePreScaleUp}}), want: "hookTargetArn can not be blank."},
		{name: "pause hook needs no target", dc: hook(ecs.DeploymentLifecycleHook{TargetType: "PAUSE", LifecycleStages: []string{StagePreScaleUp}})},
		{name: "pause hook at PRODUCTION_TRAFFIC_SHIFT", dc: hook(ecs.DeploymentLifecycleHook{TargetType: "PAUSE", LifecycleStages: []string{StageProductionShift}}),
			want: "PAUSE lifecycle hooks cannot be configured at lifecycle stage PRODUCTION_TRAFFIC_SHIFT."},
		{name: "hook without stages", dc: hook(ecs.DeploymentLifecycleHook{HookTargetArn: lambda}), want: "lifecycleStages can not be empty."},
		{name: "hook at SCALE_UP", dc: hook(ecs.DeploymentLifecycleHook{HookTargetArn: lambda, LifecycleStages: []string{StageScaleUp}}), want: "Invalid lifecycleStage 'SCALE_UP'."},
		{name: "hook timeout 0", dc: hook(ecs.DeploymentLifecycleHook{HookTargetArn: lambda, LifecycleStages: []string{StagePreScaleUp},
			TimeoutConfiguration: &ecs.HookTimeoutConfiguration{TimeoutInMinutes: ecs.Ptr(0)}}), want: "timeoutInMinutes must be between 1 and 20160."},
		{name: "hook timeout action", dc: hook(ecs.DeploymentLifecycleHook{HookTargetArn: lambda, LifecycleStages: []string{StagePreScaleUp},
			TimeoutConfiguration: &ecs.HookTimeoutConfiguration{Action: "WAIT"}}), want: "Invalid action 'WAIT'. Valid values: ROLLBACK, CONTINUE."},
		{name: "advanced without alternate", dc: dcOf(BlueGreen, 0), lbs: []ecs.LoadBalancer{{AdvancedConfiguration: &ecs.AdvancedConfiguration{ProductionListenerRule: "r"}}},
			want: "alternateTargetGroupArn can not be blank."},
		{name: "advanced without production rule", dc: dcOf(BlueGreen, 0), lbs: []ecs.LoadBalancer{{AdvancedConfiguration: &ecs.AdvancedConfiguration{AlternateTargetGroupArn: "tg"}}},
			want: "productionListenerRule can not be blank."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.dc, tt.lbs, tt.daemon)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
