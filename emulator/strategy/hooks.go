package strategy

import (
	"errors"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Hook target types (DeploymentLifecycleHook.targetType; empty means AWS_LAMBDA).
const (
	TargetLambda = "AWS_LAMBDA"
	TargetPause  = "PAUSE"
)

// HookAwaitingAction is the status of a PAUSE hook waiting for ContinueServiceDeployment.
const HookAwaitingAction = "AWAITING_ACTION"

// HookID names hook call c of the step a deployment is in: stable for the call, unique
// within the deployment (ECS's own hookId format is not documented).
func HookID(step int, c HookCall) string {
	return fmt.Sprintf("%d-%d-%s", step, c.Hook, c.Stage)
}

// HookDetails are the lifecycleHookDetails of a deployment at p: the hooks of the step
// it is in that have been started, the current one IN_PROGRESS (AWAITING_ACTION for a
// PAUSE hook) with the time it expires, the ones before it SUCCEEDED (or TIMED_OUT when
// their timeout let the deployment CONTINUE), and FAILED or TIMED_OUT for the hook that
// rolled it back.
func HookDetails(plan []Step, dc *ecs.DeploymentConfiguration, p Progress, now time.Time) []ecs.DeploymentLifecycleHookDetail {
	if len(plan) == 0 || p.Done {
		return nil
	}
	calls := Calls(dc, Current(plan, p))
	var out []ecs.DeploymentLifecycleHookDetail
	for i, c := range calls {
		if i > p.Hook || (i == p.Hook && p.HookStarted.IsZero()) {
			break
		}
		d := ecs.DeploymentLifecycleHookDetail{HookID: HookID(p.Step, c), TargetArn: c.Target, TargetType: TargetLambda,
			TimeoutAction: c.Action, Status: HookSucceeded}
		if c.Pause {
			d.TargetType, d.TargetArn = TargetPause, ""
		}
		if i == p.Hook {
			expires := p.HookStarted.Add(c.Timeout)
			d.ExpiresAt = ecs.At(expires)
			switch {
			case p.Answer == HookFailed:
				d.Status = HookFailed
			case !now.Before(expires):
				d.Status = HookTimedOut
			case c.Pause:
				d.Status = HookAwaitingAction
			default:
				d.Status = HookInProgress
			}
		}
		out = append(out, d)
	}
	return out
}

// Errors of Continue, for ContinueServiceDeployment to report.
var (
	ErrNotPaused   = errors.New("the service deployment is not paused at a lifecycle hook")
	ErrUnknownHook = errors.New("the hookId does not name the lifecycle hook the service deployment is paused at")
)

// Continue answers the PAUSE hook hookID that p waits at: action CONTINUE (or "") moves
// the deployment on, ROLLBACK rolls it back; the deployment's next pass acts on it.
func Continue(p Progress, hookID, action string) (Progress, error) {
	if p.Awaiting == "" || p.Answer != "" || p.Done || p.RolledBack != "" {
		return p, ErrNotPaused
	}
	if p.Awaiting != hookID {
		return p, ErrUnknownHook
	}
	p.Answer = HookSucceeded
	if action == "ROLLBACK" {
		p.Answer = HookFailed
	}
	return p, nil
}
