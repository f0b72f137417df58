package strategy

import (
	"fmt"
	"slices"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Progress is where a deployment is in its plan; it is stored with the deployment so
// that a restart resumes it. The zero value is the start of the first step.
type Progress struct {
	Step int `json:"step"`
	// Since is when the step's traffic applied (its hooks done); zero while hooks run.
	Since time.Time `json:"since,omitzero"`
	// Hook is the index, in the step's Calls, of the hook being run.
	Hook int `json:"hook"`
	// HookStarted is when the current hook was first invoked; zero before.
	HookStarted time.Time `json:"hookStarted,omitzero"`
	// Calling is set while an invocation is out; Answer is what it returned, filled
	// in by whoever ran it and read by the next Advance.
	Calling bool   `json:"calling,omitempty"`
	Answer  string `json:"answer,omitempty"`
	// Awaiting is the hookId of the PAUSE hook the deployment waits at, or "".
	Awaiting string `json:"awaiting,omitempty"`
	// Retry is when a hook that answered IN_PROGRESS is invoked again.
	Retry time.Time `json:"retry,omitzero"`
	// Done is set when CLEAN_UP is reached; RolledBack holds the reason of a rollback.
	Done       bool   `json:"done,omitempty"`
	RolledBack string `json:"rolledBack,omitempty"`
}

// HookCall is one hook to run at one hook stage.
type HookCall struct {
	Hook    int // index in deploymentConfiguration.lifecycleHooks
	Stage   string
	Target  string
	Timeout time.Duration
	Action  string // what a timeout does: ROLLBACK or CONTINUE
	Pause   bool   // a PAUSE hook: it waits for ContinueServiceDeployment, nothing is invoked
}

// Calls lists the hooks to run on entering step s: for each of its hook stages, the
// configured hooks naming that stage, in configuration order.
func Calls(dc *ecs.DeploymentConfiguration, s Step) []HookCall {
	if dc == nil {
		return nil
	}
	var out []HookCall
	for _, stage := range s.HookStages {
		for i, h := range dc.LifecycleHooks {
			if !slices.Contains(h.LifecycleStages, stage) {
				continue
			}
			c := HookCall{Hook: i, Stage: stage, Target: h.HookTargetArn, Timeout: DefaultHookTimeout, Action: DefaultHookAction,
				Pause: h.TargetType == TargetPause}
			if tc := h.TimeoutConfiguration; tc != nil {
				if tc.TimeoutInMinutes != nil {
					c.Timeout = time.Duration(*tc.TimeoutInMinutes) * time.Minute
				}
				if tc.Action != "" {
					c.Action = tc.Action
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// Input is what the world says at one pass.
type Input struct {
	Now time.Time
	// GreenReady is true once green runs desiredCount healthy tasks.
	GreenReady bool
	// Failure is a reason to roll back now (circuit breaker, alarm, a stop), or "".
	Failure string
}

// Output is Advance's decision.
type Output struct {
	Progress Progress
	// Invoke, when set, is a hook the caller must invoke (off the loop) and whose
	// answer it stores in Progress.Answer (clearing Calling).
	Invoke *HookCall
	// Stages lists the lifecycle stages entered, for service events.
	Stages []string
	// Rollback is the reason traffic goes back to blue at once, or "".
	Rollback string
	// Due is when Advance wants to run again without other news (zero: no timer).
	Due time.Time
}

// Advance moves p along plan as far as in allows. It is pure: hooks are invoked by the
// caller, which reports answers back through Progress.
func Advance(plan []Step, dc *ecs.DeploymentConfiguration, p Progress, in Input) Output {
	out := Output{Progress: p}
	if p.Done || p.RolledBack != "" || len(plan) == 0 {
		return out
	}
	rollback := func(reason string) Output {
		out.Progress.RolledBack, out.Rollback, out.Invoke, out.Due, out.Progress.Awaiting = reason, reason, nil, time.Time{}, ""
		return out
	}
	if in.Failure != "" {
		return rollback(in.Failure)
	}
	q := &out.Progress
	for {
		step := plan[q.Step]
		if calls := Calls(dc, step); q.Hook < len(calls) {
			c := calls[q.Hook]
			switch {
			case q.HookStarted.IsZero() && c.Pause:
				// Awaiting action: only ContinueServiceDeployment (Continue) or the
				// timeout moves it.
				q.HookStarted, q.Calling, q.Answer, q.Awaiting = in.Now, false, "", HookID(q.Step, c)
				out.Due = in.Now.Add(c.Timeout)
				return out
			case q.HookStarted.IsZero():
				q.HookStarted, q.Calling, q.Answer = in.Now, true, ""
				out.Invoke, out.Due = &c, in.Now.Add(c.Timeout)
				return out
			case q.Answer == HookSucceeded:
				q.Hook, q.HookStarted, q.Answer, q.Retry, q.Awaiting = q.Hook+1, time.Time{}, "", time.Time{}, ""
				continue
			case q.Answer == HookFailed && c.Pause:
				return rollback(fmt.Sprintf("ContinueServiceDeployment rolled back the deployment paused at stage %s.", c.Stage))
			case q.Answer == HookFailed:
				return rollback(fmt.Sprintf("The lifecycle hook %s failed at stage %s.", c.Target, c.Stage))
			case !in.Now.Before(q.HookStarted.Add(c.Timeout)):
				if c.Action == "CONTINUE" {
					q.Hook, q.HookStarted, q.Answer, q.Calling, q.Retry, q.Awaiting = q.Hook+1, time.Time{}, "", false, time.Time{}, ""
					continue
				}
				return rollback(fmt.Sprintf("The lifecycle hook %s timed out at stage %s.", c.Target, c.Stage))
			case q.Answer == HookInProgress && q.Retry.IsZero():
				q.Retry = in.Now.Add(HookRetry)
			}
			if q.Answer == HookInProgress && !in.Now.Before(q.Retry) {
				q.Calling, q.Answer, q.Retry = true, "", time.Time{}
				out.Invoke = &c
			}
			out.Due = q.HookStarted.Add(c.Timeout)
			if !q.Retry.IsZero() && q.Retry.Before(out.Due) {
				out.Due = q.Retry
			}
			return out
		}
		if q.Since.IsZero() {
			q.Since = in.Now
		}
		if step.WaitGreen && !in.GreenReady {
			return out
		}
		if end := q.Since.Add(step.Wait); in.Now.Before(end) {
			out.Due = end
			return out
		}
		if q.Step == len(plan)-1 {
			q.Done = true
			return out
		}
		q.Step, q.Hook, q.Since, q.HookStarted, q.Answer, q.Retry, q.Calling = q.Step+1, 0, time.Time{}, time.Time{}, "", time.Time{}, false
		out.Stages = append(out.Stages, plan[q.Step].Stage)
	}
}

// Current is the step p is in (the last when done).
func Current(plan []Step, p Progress) Step {
	if len(plan) == 0 {
		return Step{Green: 100}
	}
	return plan[min(p.Step, len(plan)-1)]
}

// Traffic is the production share green has under p: a step's share applies once its
// hooks are done; a rollback puts everything back on blue.
func Traffic(plan []Step, p Progress) (green float64, test bool) {
	if p.RolledBack != "" || len(plan) == 0 {
		return 0, false
	}
	s := Current(plan, p)
	if p.Since.IsZero() && !p.Done && p.Step > 0 {
		prev := plan[p.Step-1]
		return prev.Green, prev.Test
	}
	if p.Since.IsZero() && !p.Done {
		return 0, false
	}
	return s.Green, s.Test
}
