package strategy

import (
	"errors"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestPauseHookDetailsAndContinue(t *testing.T) {
	dc := dcOf(BlueGreen, 0)
	dc.LifecycleHooks = []ecs.DeploymentLifecycleHook{
		{HookTargetArn: "first", LifecycleStages: []string{StagePostScaleUp}},
		{TargetType: TargetPause, LifecycleStages: []string{StagePostScaleUp},
			TimeoutConfiguration: &ecs.HookTimeoutConfiguration{TimeoutInMinutes: ecs.Ptr(10), Action: "CONTINUE"}},
	}
	plan := Plan(dc, false)
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	run := func(p Progress, at time.Duration) Output {
		return Advance(plan, dc, p, Input{Now: t0.Add(at), GreenReady: true})
	}
	out := run(Progress{}, 0) // through SCALE_UP to POST_SCALE_UP's Lambda hook
	if out.Invoke == nil || out.Invoke.Target != "first" {
		t.Fatalf("want the Lambda hook invoked first: %+v", out)
	}
	p := out.Progress
	p.Calling, p.Answer = false, HookSucceeded
	out = run(p, 0)
	if out.Invoke != nil || out.Progress.Awaiting == "" || !out.Due.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("the PAUSE hook must wait for an answer until its timeout: %+v", out)
	}
	p = out.Progress
	details := HookDetails(plan, dc, p, t0)
	if len(details) != 2 || details[0].Status != HookSucceeded || details[0].TargetType != TargetLambda ||
		details[1].Status != HookAwaitingAction || details[1].TargetType != TargetPause || details[1].HookID != p.Awaiting ||
		!details[1].ExpiresAt.Equal(t0.Add(10*time.Minute)) || details[1].TimeoutAction != "CONTINUE" {
		t.Fatalf("details %+v", details)
	}
	if run(p, 5*time.Minute).Progress.Step != p.Step {
		t.Fatalf("moved on without an answer")
	}
	if _, err := Continue(p, "nope", ""); !errors.Is(err, ErrUnknownHook) {
		t.Fatalf("unknown hook id: %v", err)
	}
	if _, err := Continue(Progress{}, p.Awaiting, ""); !errors.Is(err, ErrNotPaused) {
		t.Fatalf("not paused: %v", err)
	}
	cont, err := Continue(p, p.Awaiting, "CONTINUE")
	if err != nil {
		t.Fatal(err)
	}
	if out := run(cont, time.Minute); !out.Progress.Done || out.Progress.Awaiting != "" {
		t.Fatalf("CONTINUE must finish the deployment: %+v", out.Progress)
	}
	back, _ := Continue(p, p.Awaiting, "ROLLBACK")
	if out := run(back, time.Minute); out.Rollback == "" {
		t.Fatalf("ROLLBACK must roll back: %+v", out)
	}
	if out := run(p, 10*time.Minute); out.Progress.Step == p.Step {
		t.Fatalf("the timeout's CONTINUE must move on: %+v", out.Progress)
	}
}
