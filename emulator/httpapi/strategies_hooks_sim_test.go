package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Lifecycle hooks as DescribeServiceDeployments shows them (lifecycleHookDetails), and
// PAUSE hooks answered with ContinueServiceDeployment, through the Go SDK.

func TestHookInProgressShowsInLifecycleHookDetails(t *testing.T) {
	e, hooks, _ := newStrategyEnv(t)
	check := "arn:aws:lambda:us-east-1:000000000000:function:warm"
	hooks.answers[check] = "IN_PROGRESS"
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
		LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(check), RoleArn: aws.String("arn:aws:iam::000000000000:role/hooks"),
			LifecycleStages:      []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostScaleUp},
			TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(5), Action: types.DeploymentLifecycleHookActionContinue}}}})
	var waiting types.ServiceDeployment
	e.timeline(t, id, 30*time.Second, 10*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
		waiting = sd
		return len(sd.LifecycleHookDetails) > 0
	})
	if len(waiting.LifecycleHookDetails) != 1 {
		t.Fatalf("no lifecycleHookDetails while the hook runs: stage %s", waiting.LifecycleStage)
	}
	d := waiting.LifecycleHookDetails[0]
	if waiting.LifecycleStage != types.ServiceDeploymentLifecycleStagePostScaleUp || d.Status != types.DeploymentLifecycleHookStatusInProgress ||
		aws.ToString(d.TargetArn) != check || d.TargetType != types.DeploymentLifecycleHookTargetTypeAwsLambda ||
		d.TimeoutAction != types.DeploymentLifecycleHookActionContinue || aws.ToString(d.HookId) == "" || d.ExpiresAt == nil {
		t.Fatalf("stage %s hook detail %+v", waiting.LifecycleStage, d)
	}
	if want := e.clock.Now().Add(5 * time.Minute); !d.ExpiresAt.Equal(want) {
		t.Errorf("expiresAt %s, want %s (the hook's 5-minute timeout)", d.ExpiresAt, want)
	}
	hooks.mu.Lock()
	hooks.answers[check] = "SUCCEEDED"
	hooks.mu.Unlock()
	got := e.timeline(t, id, 30*time.Second, 10*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
		return sd.Status == types.ServiceDeploymentStatusSuccessful
	})
	if sd := e.sdFor(t, "c1", "web", id); sd.Status != types.ServiceDeploymentStatusSuccessful || len(sd.LifecycleHookDetails) != 0 {
		t.Errorf("after the hook succeeded: %s, details %+v\n%s", sd.Status, sd.LifecycleHookDetails, got)
	}
}

func TestPauseHookContinueServiceDeployment(t *testing.T) {
	for _, tt := range []struct {
		action types.DeploymentLifecycleHookAction
		want   types.ServiceDeploymentStatus
		td     string // the service's task definition after
	}{
		{types.DeploymentLifecycleHookActionContinue, types.ServiceDeploymentStatusSuccessful, ":2"},
		{types.DeploymentLifecycleHookActionRollback, types.ServiceDeploymentStatusRollbackSuccessful, ":1"},
	} {
		t.Run(string(tt.action), func(t *testing.T) {
			e, hooks, _ := newStrategyEnv(t)
			id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
				LifecycleHooks: []types.DeploymentLifecycleHook{{TargetType: types.DeploymentLifecycleHookTargetTypePause,
					LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift}}}})
			var paused types.ServiceDeployment
			e.timeline(t, id, 30*time.Second, 10*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
				paused = sd
				return len(sd.LifecycleHookDetails) > 0
			})
			if len(paused.LifecycleHookDetails) != 1 || paused.LifecycleHookDetails[0].Status != types.DeploymentLifecycleHookStatusAwaitingAction ||
				paused.LifecycleHookDetails[0].TargetType != types.DeploymentLifecycleHookTargetTypePause {
				t.Fatalf("not paused at POST_TEST_TRAFFIC_SHIFT: stage %s details %+v", paused.LifecycleStage, paused.LifecycleHookDetails)
			}
			hookID := aws.ToString(paused.LifecycleHookDetails[0].HookId)
			// It stays paused, production on blue, while nobody answers.
			e.clock.Advance(20 * time.Minute)
			e.settle(t)
			if sd := e.sdFor(t, "c1", "web", id); sd.LifecycleStage != types.ServiceDeploymentLifecycleStagePostTestTrafficShift || e.weightsOf(sxTG, id) != "blue=100" {
				t.Fatalf("did not stay paused: stage %s weights %s", sd.LifecycleStage, e.weightsOf(sxTG, id))
			}
			hooks.mu.Lock()
			if len(hooks.calls) != 0 {
				t.Errorf("a PAUSE hook invoked a runner: %v", hooks.calls)
			}
			hooks.mu.Unlock()
			_, err := e.ecs.ContinueServiceDeployment(ctx(t), &sdkecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: paused.ServiceDeploymentArn, HookId: aws.String("other")})
			assertAPIError(t, err, "InvalidParameterException", "The lifecycle hook other is not awaiting action")
			out, err := e.ecs.ContinueServiceDeployment(ctx(t), &sdkecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: paused.ServiceDeploymentArn,
				HookId: aws.String(hookID), Action: tt.action})
			if err != nil || aws.ToString(out.ServiceDeploymentArn) != aws.ToString(paused.ServiceDeploymentArn) {
				t.Fatalf("ContinueServiceDeployment: %v", err)
			}
			_, err = e.ecs.ContinueServiceDeployment(ctx(t), &sdkecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: paused.ServiceDeploymentArn, HookId: aws.String(hookID)})
			assertAPIError(t, err, "InvalidParameterException", "is not awaiting action")
			got := e.timeline(t, id, 30*time.Second, 10*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
				return sd.Status == tt.want
			})
			if !strings.Contains(got, string(tt.want)) {
				t.Fatalf("after %s, want %s:\n%s", tt.action, tt.want, got)
			}
			if s := e.service(t, "c1", "web"); !strings.HasSuffix(aws.ToString(s.TaskDefinition), tt.td) || s.RunningCount != 2 {
				t.Errorf("after %s: %s running %d", tt.action, aws.ToString(s.TaskDefinition), s.RunningCount)
			}
		})
	}
}
