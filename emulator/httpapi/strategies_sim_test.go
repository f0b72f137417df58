package httpapi_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

// Deployment strategies on the simulated runtime, driven through the Go SDK with the
// clock advanced: the lifecycle stages in the service deployment record, the local
// load balancer's weights, hooks (a fake runner) and alarms (fake states).

const sxAltTG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/fedcba9876543210"

// fakeHooks answers hooks by target ARN (SUCCEEDED when not listed) and records calls.
type fakeHooks struct {
	mu      sync.Mutex
	answers map[string]string
	calls   []string // "target stage"
}

func (f *fakeHooks) Invoke(_ context.Context, target string, payload []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	stage := ""
	if i := strings.Index(string(payload), `"lifecycleStage":"`); i >= 0 {
		rest := string(payload[i+len(`"lifecycleStage":"`):])
		stage = rest[:strings.IndexByte(rest, '"')]
	}
	f.calls = append(f.calls, target+" "+stage)
	if a, ok := f.answers[target]; ok {
		return a, nil
	}
	return "SUCCEEDED", nil
}

// fakeAlarms holds alarm states set by the test.
type fakeAlarms struct {
	mu     sync.Mutex
	states map[string]string
}

func (f *fakeAlarms) AlarmState(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.states[name]
}

func (f *fakeAlarms) set(name, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.states[name] = state
}

func newStrategyEnv(t *testing.T) (*taskEnv, *fakeHooks, *fakeAlarms) {
	hooks, alarms := &fakeHooks{answers: map[string]string{}}, &fakeAlarms{states: map[string]string{}}
	e := newTaskEnvConfig(t, func(c *emulator.Config) {
		c.LoadBalancers = emulator.LoadBalancerConfig{Simulated: true}
		c.HookRunner, c.AlarmStates = hooks, alarms
	})
	e.createCluster(t, "c1")
	return e, hooks, alarms
}

// weightsOf is tg's split as "blue=share,green=share" (green is deployment green).
func (e *taskEnv) weightsOf(tg, green string) string {
	for _, l := range e.emu.LoadBalancers() {
		if l.TargetGroupArn == tg {
			named := map[string]float64{}
			for id, w := range l.Weights {
				if id == green {
					named["green"] += w
				} else {
					named["blue"] += w
				}
			}
			var parts []string
			for _, n := range slices.Sorted(maps.Keys(named)) {
				parts = append(parts, fmt.Sprintf("%s=%g", n, named[n]))
			}
			return strings.Join(parts, ",")
		}
	}
	return "no balancer"
}

// deployStrategy creates web (2 tasks of v1) with dc and the blue/green load balancer,
// waits for it, and updates it to v2; it returns the new deployment's id.
func (e *taskEnv) deployStrategy(t *testing.T, dc *types.DeploymentConfiguration) string {
	v1 := e.sxRegister(t, sxWebDef("web"))
	v2 := e.sxRegister(t, sxWebDef("web"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(2), DeploymentConfiguration: dc,
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80),
			AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(sxAltTG),
				ProductionListenerRule: aws.String("arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/1/2/3"),
				RoleArn:                aws.String("arn:aws:iam::000000000000:role/ecsInfrastructure")}}}})
	e.sxAdvanceUntil(t, "c1", "web", "is steady", 5*time.Second, 5*time.Minute, nil, func(s types.Service) bool {
		return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	return aws.ToString(up.Deployments[0].Id)
}

// timeline advances the clock in steps until done says so (or limit), and returns each
// change of (lifecycle stage, status, production weights, running tasks) with its time.
func (e *taskEnv) timeline(t *testing.T, id string, step, limit time.Duration, each func(time.Duration, types.ServiceDeployment) bool) string {
	t.Helper()
	var b strings.Builder
	last := ""
	for passed := time.Duration(0); passed <= limit; passed += step {
		e.settle(t)
		sd := e.sdFor(t, "c1", "web", id)
		running := e.service(t, "c1", "web").RunningCount
		line := fmt.Sprintf("%s %s weights[%s] running %d", sd.Status, sd.LifecycleStage, e.weightsOf(sxTG, id), running)
		if line != last {
			fmt.Fprintf(&b, "%6s %s\n", passed, line)
			last = line
		}
		if each != nil && each(passed, sd) {
			return b.String()
		}
		e.clock.Advance(step)
	}
	return b.String()
}

func TestCanaryDeploymentOnTheClock(t *testing.T) {
	e, _, _ := newStrategyEnv(t)
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)}})
	var took time.Duration
	got := e.timeline(t, id, 30*time.Second, time.Hour, func(at time.Duration, sd types.ServiceDeployment) bool {
		took = at
		return sd.Status == types.ServiceDeploymentStatusSuccessful
	})
	t.Logf("UpdateService to SUCCESSFUL: %s of emulator time\n%s", took, got)
	for _, want := range []string{"SCALE_UP", "PRODUCTION_TRAFFIC_SHIFT weights[blue=90,green=10] running 4", "BAKE_TIME weights[green=100] running 4", "SUCCESSFUL"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %q:\n%s", want, got)
		}
	}
	if took < 15*time.Minute || took > 17*time.Minute {
		t.Errorf("SUCCESSFUL after %s, want the canary's 5 and the bake's 10 minutes and little more", took)
	}
	if n := e.service(t, "c1", "web").RunningCount; n != 2 {
		t.Errorf("running %d after the deployment, want blue stopped", n)
	}
	evs := e.service(t, "c1", "web").Events
	if !slices.ContainsFunc(evs, func(ev types.ServiceEvent) bool {
		return strings.Contains(aws.ToString(ev.Message), "entered lifecycle stage PRODUCTION_TRAFFIC_SHIFT: 10.0%")
	}) {
		t.Errorf("no service event of the canary shift")
	}
}

func TestBlueGreenHookFailsRollsBack(t *testing.T) {
	e, hooks, _ := newStrategyEnv(t)
	check := "arn:aws:lambda:us-east-1:000000000000:function:check"
	hooks.answers[check] = "FAILED"
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10),
		LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(check), RoleArn: aws.String("arn:aws:iam::000000000000:role/hooks"),
			LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift}}}})
	got := e.timeline(t, id, 30*time.Second, 30*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
		return sd.Status == types.ServiceDeploymentStatusRollbackSuccessful
	})
	if !strings.Contains(got, "ROLLBACK_SUCCESSFUL") || strings.Contains(got, "green=100") {
		t.Errorf("the failed hook must roll back before production moves:\n%s", got)
	}
	hooks.mu.Lock()
	calls := slices.Clone(hooks.calls)
	hooks.mu.Unlock()
	if len(calls) != 1 || calls[0] != check+" POST_TEST_TRAFFIC_SHIFT" {
		t.Errorf("hook calls %v", calls)
	}
	s := e.service(t, "c1", "web")
	if !strings.HasSuffix(aws.ToString(s.TaskDefinition), ":1") || s.RunningCount != 2 {
		t.Errorf("after the rollback: %s running %d, want web:1 running 2", aws.ToString(s.TaskDefinition), s.RunningCount)
	}
}

func TestAlarmDuringBakeRollsBack(t *testing.T) {
	e, _, alarms := newStrategyEnv(t)
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10),
		Alarms: &types.DeploymentAlarms{Enable: true, Rollback: true, AlarmNames: []string{"web-5xx"}}})
	alarmed := false
	got := e.timeline(t, id, 30*time.Second, 30*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
		if sd.LifecycleStage == types.ServiceDeploymentLifecycleStageBakeTime && !alarmed {
			alarms.set("web-5xx", "ALARM")
			alarmed = true
		}
		return sd.Status == types.ServiceDeploymentStatusRollbackSuccessful
	})
	if !alarmed || !strings.Contains(got, "BAKE_TIME weights[green=100]") || !strings.Contains(got, "ROLLBACK_SUCCESSFUL") {
		t.Errorf("an alarm during bake must roll back:\n%s", got)
	}
	s := e.service(t, "c1", "web")
	if !strings.HasSuffix(aws.ToString(s.TaskDefinition), ":1") || s.RunningCount != 2 || e.weightsOf(sxTG, id) != "blue=100" && e.weightsOf(sxTG, id) != "" {
		t.Errorf("after the rollback: %s running %d weights %s", aws.ToString(s.TaskDefinition), s.RunningCount, e.weightsOf(sxTG, id))
	}
	if !slices.ContainsFunc(s.Events, func(ev types.ServiceEvent) bool {
		return strings.Contains(aws.ToString(ev.Message), "deployment failed: ECS deployment "+id+" failed: alarm web-5xx is in ALARM state.")
	}) {
		t.Errorf("no service event names the alarm")
	}
}

func TestAlarmDuringRollingUpdateRollsBack(t *testing.T) {
	e, _, alarms := newStrategyEnv(t)
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling,
		Alarms: &types.DeploymentAlarms{Enable: true, Rollback: true, AlarmNames: []string{"web-5xx"}}})
	got := e.timeline(t, id, 30*time.Second, 30*time.Minute, func(_ time.Duration, sd types.ServiceDeployment) bool {
		if sd.Status == types.ServiceDeploymentStatusInProgress {
			alarms.set("web-5xx", "ALARM") // once the rollout runs
		}
		return sd.Status == types.ServiceDeploymentStatusRollbackSuccessful
	})
	if !strings.Contains(got, "ROLLBACK_SUCCESSFUL") {
		t.Errorf("an alarm during a rolling update must roll back:\n%s", got)
	}
	if s := e.service(t, "c1", "web"); !strings.HasSuffix(aws.ToString(s.TaskDefinition), ":1") || s.RunningCount != 2 {
		t.Errorf("after the rollback: %s running %d", aws.ToString(s.TaskDefinition), s.RunningCount)
	}
}

func TestLinearDeploymentOnTheClock(t *testing.T) {
	e, hooks, _ := newStrategyEnv(t)
	shift := "arn:aws:lambda:us-east-1:000000000000:function:shift"
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(5),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(25), StepBakeTimeInMinutes: aws.Int32(2)},
		LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(shift), RoleArn: aws.String("arn:aws:iam::000000000000:role/hooks"),
			LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePreProductionTrafficShift,
				types.DeploymentLifecycleHookStageProductionTrafficShift}}}})
	// when each production share first applied, and when the deployment succeeded
	shares := map[string]time.Duration{}
	var shift0, took time.Duration
	got := e.timeline(t, id, 30*time.Second, time.Hour, func(at time.Duration, sd types.ServiceDeployment) bool {
		w := e.weightsOf(sxTG, id)
		if _, ok := shares[w]; !ok && strings.Contains(w, "green") {
			shares[w] = at
		}
		if sd.LifecycleStage == types.ServiceDeploymentLifecycleStageProductionTrafficShift && shift0 == 0 {
			shift0 = at
		}
		took = at
		return sd.Status == types.ServiceDeploymentStatusSuccessful
	})
	t.Logf("UpdateService to SUCCESSFUL: %s of emulator time\n%s", took, got)
	if shift0 == 0 {
		t.Fatalf("never shifted production traffic:\n%s", got)
	}
	for i, w := range []string{"blue=75,green=25", "blue=50,green=50", "blue=25,green=75", "green=100"} {
		at, ok := shares[w]
		if !ok {
			t.Errorf("production weights never %s:\n%s", w, got)
			continue
		}
		if want := shift0 + time.Duration(i)*2*time.Minute; at != want {
			t.Errorf("weights %s at %s, want %s (2 minutes a step):\n%s", w, at, want, got)
		}
	}
	// CLEAN_UP stops blue's tasks; the deployment succeeds once they are stopped.
	if bake := shares["green=100"] + 5*time.Minute; took < bake || took > bake+time.Minute {
		t.Errorf("SUCCESSFUL at %s, want within a minute of %s (after the 5 minutes of bake)", took, bake)
	}
	if !strings.Contains(got, "BAKE_TIME weights[green=100] running 4") {
		t.Errorf("blue must run through the bake:\n%s", got)
	}
	if n := e.service(t, "c1", "web").RunningCount; n != 2 {
		t.Errorf("running %d after the deployment, want blue stopped", n)
	}
	// The model: the production shift hooks run at every step of a LINEAR deployment.
	hooks.mu.Lock()
	calls := strings.Join(hooks.calls, "\n")
	hooks.mu.Unlock()
	if want := strings.Repeat(shift+" PRE_PRODUCTION_TRAFFIC_SHIFT\n"+shift+" PRODUCTION_TRAFFIC_SHIFT\n", 4); calls+"\n" != want {
		t.Errorf("hook calls:\n%s\nwant:\n%s", calls, want)
	}
}

// The load balancer info carries when the bake under way ends (the dashboard's
// countdown): the canary's bake, then the final one, and nothing once done.
func TestBakeEndsOnTheLoadBalancer(t *testing.T) {
	e, _, _ := newStrategyEnv(t)
	id := e.deployStrategy(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)}})
	bakeEnds := func() time.Time {
		for _, l := range e.emu.LoadBalancers() {
			if l.TargetGroupArn == sxTG {
				return l.BakeEnds
			}
		}
		return time.Time{}
	}
	seen := map[string]time.Duration{} // stage → bake left when first seen in it
	e.timeline(t, id, 30*time.Second, time.Hour, func(_ time.Duration, sd types.ServiceDeployment) bool {
		stage := string(sd.LifecycleStage)
		if end := bakeEnds(); !end.IsZero() {
			if _, ok := seen[stage]; !ok {
				seen[stage] = end.Sub(e.clock.Now())
			}
		}
		return sd.Status == types.ServiceDeploymentStatusSuccessful
	})
	if left, ok := seen["PRODUCTION_TRAFFIC_SHIFT"]; !ok || left <= 0 || left > 5*time.Minute {
		t.Errorf("during the canary step the bake ends in %v (seen %v), want within its 5 minutes", left, ok)
	}
	if left, ok := seen["BAKE_TIME"]; !ok || left <= 0 || left > 10*time.Minute {
		t.Errorf("during BAKE_TIME the bake ends in %v (seen %v), want within its 10 minutes", left, ok)
	}
	if end := bakeEnds(); !end.IsZero() {
		t.Errorf("after SUCCESSFUL the balancer still reports a bake ending %v", end)
	}
}
