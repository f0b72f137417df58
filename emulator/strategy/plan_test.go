package strategy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func dcOf(s string, bake int) *ecs.DeploymentConfiguration {
	return &ecs.DeploymentConfiguration{Strategy: s, BakeTimeInMinutes: ecs.Ptr(bake)}
}

func TestPlans(t *testing.T) {
	canary := dcOf(Canary, 10)
	canary.CanaryConfiguration = &ecs.CanaryConfiguration{CanaryPercent: ecs.Ptr(10.0), CanaryBakeTimeInMinutes: ecs.Ptr(5)}
	linear := dcOf(Linear, 0)
	linear.LinearConfiguration = &ecs.LinearConfiguration{StepPercent: ecs.Ptr(30.0), StepBakeTimeInMinutes: ecs.Ptr(2)}
	tests := []struct {
		name      string
		dc        *ecs.DeploymentConfiguration
		reconcile bool
		want      string
	}{
		{"rolling has no plan", dcOf(Rolling, 0), false, ""},
		{"blue/green", dcOf(BlueGreen, 15), false, `
 0 PRE_SCALE_UP                  green   0.0% hooks:PRE_SCALE_UP
 1 SCALE_UP                      green   0.0% wait:green-ready
 2 POST_SCALE_UP                 green   0.0% hooks:POST_SCALE_UP
 3 TEST_TRAFFIC_SHIFT            green   0.0% test:green hooks:TEST_TRAFFIC_SHIFT
 4 POST_TEST_TRAFFIC_SHIFT       green   0.0% test:green hooks:POST_TEST_TRAFFIC_SHIFT
 5 PRODUCTION_TRAFFIC_SHIFT      green 100.0% test:green hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 6 POST_PRODUCTION_TRAFFIC_SHIFT green 100.0% test:green hooks:POST_PRODUCTION_TRAFFIC_SHIFT
 7 BAKE_TIME                     green 100.0% test:green wait:15m0s
 8 CLEAN_UP                      green 100.0% test:green blue:stopped
`},
		{"canary 10% for 5 minutes, reconcile", canary, true, `
 0 RECONCILE_SERVICE             green   0.0% hooks:RECONCILE_SERVICE
 1 PRE_SCALE_UP                  green   0.0% hooks:PRE_SCALE_UP
 2 SCALE_UP                      green   0.0% wait:green-ready
 3 POST_SCALE_UP                 green   0.0% hooks:POST_SCALE_UP
 4 TEST_TRAFFIC_SHIFT            green   0.0% test:green hooks:TEST_TRAFFIC_SHIFT
 5 POST_TEST_TRAFFIC_SHIFT       green   0.0% test:green hooks:POST_TEST_TRAFFIC_SHIFT
 6 PRODUCTION_TRAFFIC_SHIFT      green  10.0% test:green wait:5m0s hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 7 PRODUCTION_TRAFFIC_SHIFT      green 100.0% test:green hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 8 POST_PRODUCTION_TRAFFIC_SHIFT green 100.0% test:green hooks:POST_PRODUCTION_TRAFFIC_SHIFT
 9 BAKE_TIME                     green 100.0% test:green wait:10m0s
10 CLEAN_UP                      green 100.0% test:green blue:stopped
`},
		{"linear 30% every 2 minutes", linear, false, `
 0 PRE_SCALE_UP                  green   0.0% hooks:PRE_SCALE_UP
 1 SCALE_UP                      green   0.0% wait:green-ready
 2 POST_SCALE_UP                 green   0.0% hooks:POST_SCALE_UP
 3 TEST_TRAFFIC_SHIFT            green   0.0% test:green hooks:TEST_TRAFFIC_SHIFT
 4 POST_TEST_TRAFFIC_SHIFT       green   0.0% test:green hooks:POST_TEST_TRAFFIC_SHIFT
 5 PRODUCTION_TRAFFIC_SHIFT      green  30.0% test:green wait:2m0s hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 6 PRODUCTION_TRAFFIC_SHIFT      green  60.0% test:green wait:2m0s hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 7 PRODUCTION_TRAFFIC_SHIFT      green  90.0% test:green wait:2m0s hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 8 PRODUCTION_TRAFFIC_SHIFT      green 100.0% test:green hooks:PRE_PRODUCTION_TRAFFIC_SHIFT,PRODUCTION_TRAFFIC_SHIFT
 9 POST_PRODUCTION_TRAFFIC_SHIFT green 100.0% test:green hooks:POST_PRODUCTION_TRAFFIC_SHIFT
10 BAKE_TIME                     green 100.0% test:green
11 CLEAN_UP                      green 100.0% test:green blue:stopped
`},
		{"linear defaults: 10% every 6 minutes", &ecs.DeploymentConfiguration{Strategy: Linear}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Print(Plan(tt.dc, tt.reconcile))
			if tt.name == "linear defaults: 10% every 6 minutes" {
				if n := strings.Count(got, "PRODUCTION_TRAFFIC_SHIFT      green"); n != 10 || !strings.Contains(got, " 90.0% test:green wait:6m0s") {
					t.Fatalf("default linear plan has %d shifts:\n%s", n, got)
				}
				return
			}
			if want := strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Fatalf("plan:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// script answers hook invocations: per target, the answers in order (the last repeats);
// a target not listed succeeds.
type script map[string][]string

func (s script) answer(target string) string {
	a, ok := s[target]
	if !ok || len(a) == 0 {
		return HookSucceeded
	}
	if len(a) > 1 {
		s[target] = a[1:]
	}
	return a[0]
}

// simulate drives Advance on a minute-resolution clock for at most limit, green ready
// after two minutes, failing with failure from failAt on, and prints what happened.
func simulate(dc *ecs.DeploymentConfiguration, sc script, failAt time.Duration, failure string, limit time.Duration) string {
	plan := Plan(dc, false)
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var b strings.Builder
	var p Progress
	lastGreen := -1.0
	for now := t0; now.Sub(t0) <= limit; {
		in := Input{Now: now, GreenReady: now.Sub(t0) >= 2*time.Minute}
		if failure != "" && now.Sub(t0) >= failAt {
			in.Failure = failure
		}
		out := Advance(plan, dc, p, in)
		p = out.Progress
		at := now.Sub(t0)
		for _, s := range out.Stages {
			fmt.Fprintf(&b, "%5s stage %s\n", at, s)
		}
		if out.Invoke != nil {
			a := sc.answer(out.Invoke.Target)
			fmt.Fprintf(&b, "%5s hook %s at %s: %s\n", at, out.Invoke.Target, out.Invoke.Stage, a)
			p.Calling, p.Answer = false, a
			continue // the answer is news: run again at the same instant
		}
		if g, _ := Traffic(plan, p); g != lastGreen {
			fmt.Fprintf(&b, "%5s production green %.0f%%\n", at, g)
			lastGreen = g
		}
		if out.Rollback != "" {
			fmt.Fprintf(&b, "%5s rollback: %s\n", at, out.Rollback)
			break
		}
		if p.Done {
			fmt.Fprintf(&b, "%5s done\n", at)
			break
		}
		next := now.Add(time.Minute)
		if !out.Due.IsZero() && out.Due.Before(next) {
			next = out.Due
		}
		now = next
	}
	return b.String()
}

func TestAdvance(t *testing.T) {
	canary := dcOf(Canary, 10)
	canary.CanaryConfiguration = &ecs.CanaryConfiguration{CanaryPercent: ecs.Ptr(10.0), CanaryBakeTimeInMinutes: ecs.Ptr(5)}
	hooked := dcOf(BlueGreen, 5)
	hooked.LifecycleHooks = []ecs.DeploymentLifecycleHook{{HookTargetArn: "check", LifecycleStages: []string{StagePostTestShift}}}
	slow := dcOf(BlueGreen, 0)
	slow.LifecycleHooks = []ecs.DeploymentLifecycleHook{{HookTargetArn: "slow", LifecycleStages: []string{StagePostScaleUp},
		TimeoutConfiguration: &ecs.HookTimeoutConfiguration{TimeoutInMinutes: ecs.Ptr(2), Action: "CONTINUE"}}}
	tests := []struct {
		name    string
		dc      *ecs.DeploymentConfiguration
		sc      script
		failAt  time.Duration
		failure string
		want    string
	}{
		{name: "canary: 10% for 5 minutes, then all, then 10 minutes of bake", dc: canary, want: `
   0s stage SCALE_UP
   0s production green 0%
 2m0s stage POST_SCALE_UP
 2m0s stage TEST_TRAFFIC_SHIFT
 2m0s stage POST_TEST_TRAFFIC_SHIFT
 2m0s stage PRODUCTION_TRAFFIC_SHIFT
 2m0s production green 10%
 7m0s stage PRODUCTION_TRAFFIC_SHIFT
 7m0s stage POST_PRODUCTION_TRAFFIC_SHIFT
 7m0s stage BAKE_TIME
 7m0s production green 100%
17m0s stage CLEAN_UP
17m0s done
`},
		{name: "a hook that fails rolls back before production moves", dc: hooked, sc: script{"check": {HookFailed}}, want: `
   0s stage SCALE_UP
   0s production green 0%
 2m0s stage POST_SCALE_UP
 2m0s stage TEST_TRAFFIC_SHIFT
 2m0s stage POST_TEST_TRAFFIC_SHIFT
 2m0s hook check at POST_TEST_TRAFFIC_SHIFT: FAILED
 2m0s rollback: The lifecycle hook check failed at stage POST_TEST_TRAFFIC_SHIFT.
`},
		{name: "IN_PROGRESS is asked again every 30 seconds", dc: hooked, sc: script{"check": {HookInProgress, HookInProgress, HookSucceeded}}, want: `
   0s stage SCALE_UP
   0s production green 0%
 2m0s stage POST_SCALE_UP
 2m0s stage TEST_TRAFFIC_SHIFT
 2m0s stage POST_TEST_TRAFFIC_SHIFT
 2m0s hook check at POST_TEST_TRAFFIC_SHIFT: IN_PROGRESS
2m30s hook check at POST_TEST_TRAFFIC_SHIFT: IN_PROGRESS
 3m0s hook check at POST_TEST_TRAFFIC_SHIFT: SUCCEEDED
 3m0s stage PRODUCTION_TRAFFIC_SHIFT
 3m0s stage POST_PRODUCTION_TRAFFIC_SHIFT
 3m0s stage BAKE_TIME
 3m0s production green 100%
 8m0s stage CLEAN_UP
 8m0s done
`},
		{name: "a timed-out hook with action CONTINUE goes on", dc: slow, sc: script{"slow": {HookInProgress}}, want: `
   0s stage SCALE_UP
   0s production green 0%
 2m0s stage POST_SCALE_UP
 2m0s hook slow at POST_SCALE_UP: IN_PROGRESS
2m30s hook slow at POST_SCALE_UP: IN_PROGRESS
 3m0s hook slow at POST_SCALE_UP: IN_PROGRESS
3m30s hook slow at POST_SCALE_UP: IN_PROGRESS
 4m0s stage TEST_TRAFFIC_SHIFT
 4m0s stage POST_TEST_TRAFFIC_SHIFT
 4m0s stage PRODUCTION_TRAFFIC_SHIFT
 4m0s stage POST_PRODUCTION_TRAFFIC_SHIFT
 4m0s stage BAKE_TIME
 4m0s stage CLEAN_UP
 4m0s production green 100%
 4m0s done
`},
		{name: "an alarm during bake puts production back on blue", dc: canary, failAt: 9 * time.Minute, failure: "alarm", want: `
   0s stage SCALE_UP
   0s production green 0%
 2m0s stage POST_SCALE_UP
 2m0s stage TEST_TRAFFIC_SHIFT
 2m0s stage POST_TEST_TRAFFIC_SHIFT
 2m0s stage PRODUCTION_TRAFFIC_SHIFT
 2m0s production green 10%
 7m0s stage PRODUCTION_TRAFFIC_SHIFT
 7m0s stage POST_PRODUCTION_TRAFFIC_SHIFT
 7m0s stage BAKE_TIME
 7m0s production green 100%
 9m0s production green 0%
 9m0s rollback: alarm
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := simulate(tt.dc, tt.sc, tt.failAt, tt.failure, time.Hour)
			if want := strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Fatalf("run:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
