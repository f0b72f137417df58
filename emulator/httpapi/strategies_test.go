package httpapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployment strategies: the fields are accepted with ECS's checks and come back from
// DescribeServices and the service deployment records.

func TestStrategyFieldsStored(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("web"))
	hook := "arn:aws:lambda:us-east-1:000000000000:function:check"
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(1),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(15),
			LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(hook),
				LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift},
				TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(5),
					Action: types.DeploymentLifecycleHookActionContinue}}}}})
	got := e.sxSteady(t, "c1", "web").DeploymentConfiguration
	switch {
	case got.Strategy != types.DeploymentStrategyBlueGreen || aws.ToInt32(got.BakeTimeInMinutes) != 15:
		t.Errorf("strategy %s bake %v", got.Strategy, got.BakeTimeInMinutes)
	case len(got.LifecycleHooks) != 1 || aws.ToString(got.LifecycleHooks[0].HookTargetArn) != hook ||
		got.LifecycleHooks[0].TimeoutConfiguration == nil || aws.ToInt32(got.LifecycleHooks[0].TimeoutConfiguration.TimeoutInMinutes) != 5:
		t.Errorf("hooks %+v", got.LifecycleHooks)
	}

	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary,
			CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)}}})
	dc := up.DeploymentConfiguration
	if dc.Strategy != types.DeploymentStrategyCanary || dc.CanaryConfiguration == nil || aws.ToFloat64(dc.CanaryConfiguration.CanaryPercent) != 10 ||
		aws.ToInt32(dc.BakeTimeInMinutes) != 15 || len(dc.LifecycleHooks) != 1 {
		t.Errorf("after the update to CANARY: %+v, want the canary and the kept bake time and hook", dc)
	}
	d := e.sdFor(t, "c1", "web", aws.ToString(e.sxSteady(t, "c1", "web").Deployments[0].Id))
	if d.DeploymentConfiguration == nil || d.DeploymentConfiguration.Strategy != types.DeploymentStrategyBlueGreen {
		t.Errorf("the first service deployment's configuration %+v, want the BLUE_GREEN it ran with", d.DeploymentConfiguration)
	}

	refused := []struct {
		name string
		dc   *types.DeploymentConfiguration
		want string
	}{
		{"bake over a day", &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1441)}, "bakeTimeInMinutes must be between 0 and 1440."},
		{"step under 3%", &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
			LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(1)}}, "stepPercent must be a multiple of 0.1 between 3.0 and 100.0."},
		{"canary settings on a linear deployment", &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
			CanaryConfiguration: &types.CanaryConfiguration{}}, "canaryConfiguration is valid only with the CANARY"},
	}
	for _, tt := range refused {
		_, err := e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), DeploymentConfiguration: tt.dc})
		if err == nil || !strings.Contains(err.Error(), "InvalidParameterException") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want InvalidParameterException %q", tt.name, err, tt.want)
		}
	}
	_, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("bad"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(1),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
			LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(hook),
				LifecycleStages: []types.DeploymentLifecycleHookStage{"SCALE_UP"}}}}})
	if err == nil || !strings.Contains(err.Error(), "Invalid lifecycleStage 'SCALE_UP'") {
		t.Errorf("a hook at SCALE_UP: %v", err)
	}
}
