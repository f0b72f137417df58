package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/events"
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

// deploymentEvents are the ECS Deployment State Change events on the emulator's event
// stream, one a line: "eventName deployment reason", green and blue named.
func (e *taskEnv) deploymentEvents(t *testing.T, green string) []string {
	t.Helper()
	f, err := events.ParseFilter([]string{`detail-type="ECS Deployment State Change"`})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	blue := ""
	for _, ev := range e.emu.Events().History(f, 0) {
		var d struct{ EventType, EventName, DeploymentID, Reason string }
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			t.Fatal(err)
		}
		who := "green"
		if d.DeploymentID != green {
			who, blue = "blue", d.DeploymentID
		}
		reason := strings.ReplaceAll(strings.ReplaceAll(d.Reason, green, "GREEN"), blue, "BLUE")
		out = append(out, fmt.Sprintf("%s %s %s %s", d.EventType, d.EventName, who, reason))
	}
	return out
}

func TestStrategyDeploymentStateChangeEvents(t *testing.T) {
	check := "arn:aws:lambda:us-east-1:000000000000:function:check"
	hooked := func() *types.DeploymentConfiguration {
		return &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(2),
			CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(20), CanaryBakeTimeInMinutes: aws.Int32(1)},
			LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(check), RoleArn: aws.String("arn:aws:iam::000000000000:role/hooks"),
				LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostProductionTrafficShift}}}}
	}
	tests := []struct {
		name   string
		answer string
		until  types.ServiceDeploymentStatus
		want   []string // after the blue deployment's own IN_PROGRESS and COMPLETED
	}{
		{"succeeds", "SUCCEEDED", types.ServiceDeploymentStatusSuccessful, []string{
			"INFO SERVICE_DEPLOYMENT_IN_PROGRESS green ECS deployment GREEN in progress.",
			"INFO SERVICE_DEPLOYMENT_COMPLETED green ECS deployment GREEN completed.",
		}},
		{"a hook fails and it rolls back", "FAILED", types.ServiceDeploymentStatusRollbackSuccessful, []string{
			"INFO SERVICE_DEPLOYMENT_IN_PROGRESS green ECS deployment GREEN in progress.",
			"ERROR SERVICE_DEPLOYMENT_FAILED green ECS deployment GREEN failed: The lifecycle hook " + check + " failed at stage POST_PRODUCTION_TRAFFIC_SHIFT.",
			"INFO SERVICE_DEPLOYMENT_IN_PROGRESS blue ECS deployment detected failure. Rolling back to deployment BLUE.",
			"INFO SERVICE_DEPLOYMENT_COMPLETED blue ECS deployment BLUE completed.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, hooks, _ := newStrategyEnv(t)
			hooks.answers[check] = tt.answer
			id := e.deployStrategy(t, hooked())
			got := e.timeline(t, id, 30*time.Second, 30*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
				return sd.Status == tt.until
			})
			if !strings.Contains(got, string(tt.until)) {
				t.Fatalf("never %s:\n%s", tt.until, got)
			}
			e.settle(t)
			evs := e.deploymentEvents(t, id)
			want := append([]string{
				"INFO SERVICE_DEPLOYMENT_IN_PROGRESS blue ECS deployment BLUE in progress.",
				"INFO SERVICE_DEPLOYMENT_COMPLETED blue ECS deployment BLUE completed.",
			}, tt.want...)
			if !slices.Equal(evs, want) {
				t.Errorf("deployment events:\n%s\nwant:\n%s\ntimeline:\n%s", strings.Join(evs, "\n"), strings.Join(want, "\n"), got)
			}
		})
	}
}
