package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployments: rolling updates within minimumHealthyPercent / maximumPercent (spec
// §5.4), the circuit breaker with and without rollback (§5.7) and the launch back-off
// (§5.8), observed through DescribeServices and the tasks while the fake clock moves.

const sxMissingImage = "missing:image"

// sxBadDef is a task definition of family whose tasks never reach RUNNING (missing
// image) or, with crash, run and then lose their essential container after a second.
func sxBadDef(family string, crash bool) *sdkecs.RegisterTaskDefinitionInput {
	if crash {
		return ec2Def(family, cdef("app", 64, map[string]string{"exit-after": "1s", "exit-code": "1"}))
	}
	cd := cdef("app", 64, nil)
	cd.Image = aws.String(sxMissingImage)
	return ec2Def(family, cd)
}

func TestServiceRollingUpdateBounds(t *testing.T) {
	for _, tc := range []struct{ desired, min, max int32 }{
		{4, 100, 200},
		{4, 50, 100},
		{3, 50, 150},
		{2, 100, 150},
		{4, 0, 100},
	} {
		t.Run(fmt.Sprintf("desired %d min %d max %d", tc.desired, tc.min, tc.max), func(t *testing.T) {
			t.Parallel()
			e := newServiceEnv(t)
			e.createCluster(t, "c1")
			v1 := e.sxRegister(t, sxSimple("roll"))
			v2 := e.sxRegister(t, sxSimple("roll"))
			e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("roll"),
				TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(tc.desired),
				DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(tc.min), MaximumPercent: aws.Int32(tc.max)}})
			steady := e.sxSteady(t, "c1", "roll")
			oldID := aws.ToString(steady.Deployments[0].Id)
			oldTasks := sxRunning(e.sxTasks(t, "c1", "roll"))

			up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("roll"), TaskDefinition: aws.String(v2)})
			if len(up.Deployments) != 2 || aws.ToString(up.Deployments[0].Status) != "PRIMARY" || aws.ToString(up.Deployments[1].Status) != "ACTIVE" ||
				aws.ToString(up.Deployments[1].Id) != oldID || aws.ToString(up.Deployments[0].TaskDefinition) != v2 {
				t.Fatalf("UpdateService deployments %v", deploymentsOf(*up))
			}
			if stable(*up) {
				t.Errorf("services-stable condition holds right after an update with 2 deployments")
			}
			newID := aws.ToString(up.Deployments[0].Id)
			minHealthy := int((tc.desired*tc.min + 99) / 100)
			maxTasks := int(tc.desired * tc.max / 100)
			var worstMax, worstMin string
			final, took := e.sxAdvanceUntil(t, "c1", "roll", "completes the rollout", 5*time.Second, 10*time.Minute, func(s types.Service) {
				now := e.clock.Now()
				ts := e.sxTasks(t, "c1", "roll")
				if live := sxLive(ts); len(live) > maxTasks && worstMax == "" {
					worstMax = fmt.Sprintf("%d tasks PENDING/RUNNING/STOPPING at +%v, maximumPercent allows %d:\n%s", len(live), now.Sub(testStart), maxTasks, sxSummary(live))
				}
				healthy := 0
				for _, tk := range sxRunning(ts) {
					if !tk.StartedAt.Add(40 * time.Second).After(now) {
						healthy++
					}
				}
				if healthy < minHealthy && worstMin == "" {
					worstMin = fmt.Sprintf("%d healthy tasks at +%v, minimumHealthyPercent needs %d:\n%s", healthy, now.Sub(testStart), minHealthy, sxSummary(ts))
				}
				for _, d := range s.Deployments {
					if id := aws.ToString(d.Id); id != oldID && id != newID {
						t.Errorf("unexpected deployment %s during the rollout: %v", id, deploymentsOf(s))
					}
				}
			}, func(s types.Service) bool {
				return stable(s) && aws.ToString(s.Deployments[0].Id) == newID &&
					s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
			})
			if worstMax != "" {
				t.Error(worstMax)
			}
			if worstMin != "" {
				t.Error(worstMin)
			}
			if aws.ToString(final.TaskDefinition) != v2 || final.RunningCount != tc.desired {
				t.Errorf("after the rollout: td %s running %d", aws.ToString(final.TaskDefinition), final.RunningCount)
			}
			if got := aws.ToString(final.Deployments[0].RolloutStateReason); got != "ECS deployment "+newID+" completed." {
				t.Errorf("rolloutStateReason %q", got)
			}
			if want := "(service roll) (deployment " + newID + ") deployment completed."; !sxHasEvent(final, want) {
				t.Errorf("no event %q in %q", want, eventsOf(final))
			}
			ts := e.sxTasks(t, "c1", "roll")
			if got := sxRunning(ts); len(got) != int(tc.desired) || len(sxByDeployment(got, newID)) != int(tc.desired) {
				t.Errorf("running after the rollout:\n%s", sxSummary(got))
			}
			for _, old := range oldTasks {
				tk := e.describe(t, aws.ToString(old.TaskArn))
				if aws.ToString(tk.LastStatus) != "STOPPED" || tk.StopCode != types.TaskStopCodeServiceSchedulerInitiated ||
					aws.ToString(tk.StoppedReason) != "Scaling activity initiated by (deployment "+newID+")" {
					t.Errorf("old task after the rollout:\n%s", summary(tk))
				}
			}
			t.Logf("rollout took %v of fake time", took)
		})
	}
}

// TestServiceDeploymentStalls: desired 3 with max 125 % allows no extra task and min
// 100 % no stop, so the deployment cannot move (spec §5.4 example and event text).
func TestServiceDeploymentStalls(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("stuck"))
	v2 := e.sxRegister(t, sxSimple("stuck"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("stuck"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(3),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(125)}})
	e.sxSteady(t, "c1", "stuck")
	old := sxIDs(sxRunning(e.sxTasks(t, "c1", "stuck")))
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("stuck"), TaskDefinition: aws.String(v2)})
	const stalled = "service stuck was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
	e.eventuallyService(t, "c1", "stuck", "reports the stall", func(s types.Service) bool { return sxHasEvent(s, stalled) })
	for i := 0; i < 2; i++ {
		e.clock.Advance(time.Minute)
		e.sxQuiet(t, "c1", "stuck", "stalled", func(s types.Service) bool {
			return len(s.Deployments) == 2 && s.RunningCount == 3 && s.PendingCount == 0
		})
	}
	if got := sxIDs(e.sxTasks(t, "c1", "stuck")); fmt.Sprint(got) != fmt.Sprint(old) {
		t.Errorf("tasks changed while stalled: %v, had %v", got, old)
	}
	// Raising maximumPercent lets it through.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("stuck"),
		DeploymentConfiguration: &types.DeploymentConfiguration{MaximumPercent: aws.Int32(200)}})
	e.sxAdvanceUntil(t, "c1", "stuck", "completes", 10*time.Second, 5*time.Minute, nil, func(s types.Service) bool {
		return stable(s) && aws.ToString(s.TaskDefinition) == v2 && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
}

func TestServiceCircuitBreaker(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rollback bool
		crash    bool
	}{
		{"tasks fail to start, rollback", true, false},
		{"tasks fail to start, no rollback", false, false},
		{"essential container exits, rollback", true, true},
		{"essential container exits, no rollback", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newServiceEnv(t, sxMissingImage)
			e.createCluster(t, "c1")
			v1 := e.sxRegister(t, sxSimple("app"))
			v2 := e.sxRegister(t, sxBadDef("app", tc.crash))
			e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("app"),
				TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(1),
				DeploymentConfiguration: &types.DeploymentConfiguration{
					DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: tc.rollback}}})
			d1 := aws.ToString(e.sxSteady(t, "c1", "app").Deployments[0].Id)
			good := sxRunning(e.sxTasks(t, "c1", "app"))
			up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("app"), TaskDefinition: aws.String(v2)})
			d2 := aws.ToString(up.Deployments[0].Id)
			failed := "(service app) (deployment " + d2 + ") deployment failed: tasks failed to start."
			s, _ := e.sxAdvanceUntil(t, "c1", "app", "trips the breaker", time.Second, 5*time.Minute, nil, func(s types.Service) bool {
				return sxHasEvent(s, failed)
			})
			wantStop := types.TaskStopCodeTaskFailedToStart
			if tc.crash {
				wantStop = types.TaskStopCodeEssentialContainerExited
			}
			if tc.rollback {
				rolling := "(service app) rolling back to deployment " + d1 + "."
				completed := "(service app) (deployment " + d1 + ") deployment completed."
				// The FAILED deployment stays listed, with its reason, while the rollback
				// runs; it goes 30 s later (spec §5.7; ecsmini's linger).
				if f := sxDeployment(s, d2); f == nil || f.RolloutState != types.DeploymentRolloutStateFailed ||
					aws.ToString(f.RolloutStateReason) != "ECS deployment circuit breaker: tasks failed to start." {
					t.Errorf("when the breaker trips, deployments %v: want %s listed FAILED with the breaker's reason", deploymentsOf(s), d2)
				}
				e.clock.Advance(31 * time.Second)
				s = e.eventuallyService(t, "c1", "app", "is back on the first deployment", func(s types.Service) bool {
					return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted && sxHasEvent(s, completed)
				})
				d := s.Deployments[0]
				switch {
				case aws.ToString(d.Id) != d1 || aws.ToString(d.TaskDefinition) != v1 || aws.ToString(d.Status) != "PRIMARY":
					t.Errorf("after rollback deployments %v, want %s on %s", deploymentsOf(s), d1, v1)
				case aws.ToString(s.TaskDefinition) != v1:
					t.Errorf("service taskDefinition %s after rollback, want %s", aws.ToString(s.TaskDefinition), v1)
				case s.RunningCount != 1:
					t.Errorf("runningCount %d", s.RunningCount)
				}
				fi, ri, ci := sxEventIndex(s, failed), sxEventIndex(s, rolling), sxEventIndex(s, completed)
				if ri < 0 || !(ci < ri && ri < fi) {
					t.Errorf("events (newest first) should hold %q, then %q, then %q:\n%q", completed, rolling, failed, eventsOf(s))
				}
			} else {
				s = e.sxQuiet(t, "c1", "app", "FAILED", func(s types.Service) bool { return len(s.Deployments) == 2 })
				p := sxPrimary(t, s)
				switch {
				case aws.ToString(p.Id) != d2 || p.RolloutState != types.DeploymentRolloutStateFailed:
					t.Errorf("primary %s %s, want %s FAILED", aws.ToString(p.Id), p.RolloutState, d2)
				case aws.ToString(p.RolloutStateReason) != "ECS deployment circuit breaker: tasks failed to start.":
					t.Errorf("rolloutStateReason %q", aws.ToString(p.RolloutStateReason))
				case p.FailedTasks != 3:
					t.Errorf("failedTasks %d, want the threshold 3 for desired 1", p.FailedTasks)
				case aws.ToString(s.Deployments[1].Id) != d1 || aws.ToString(s.Deployments[1].Status) != "ACTIVE" || s.Deployments[1].RunningCount != 1:
					t.Errorf("the old deployment should keep its task: %v", deploymentsOf(s))
				case stable(s):
					t.Errorf("services-stable condition holds with a FAILED deployment")
				}
				for _, m := range eventsOf(s) {
					if len(m) > 26 && m[:26] == "(service app) rolling back" {
						t.Errorf("rollback event without rollback: %q", m)
					}
				}
			}
			bad := sxByDeployment(e.sxTasks(t, "c1", "app"), d2)
			if len(bad) != 3 {
				t.Errorf("%d tasks of the failing deployment, want 3 (threshold for desired 1):\n%s", len(bad), sxSummary(bad))
			}
			for _, tk := range bad {
				if aws.ToString(tk.LastStatus) != "STOPPED" || tk.StopCode != wantStop {
					t.Errorf("failing task:\n%s", sxSummary([]types.Task{tk}))
				}
			}
			// A FAILED deployment launches nothing more, and the good task kept running.
			for i := 0; i < 6; i++ {
				e.clock.Advance(5 * time.Minute)
			}
			e.sxQuiet(t, "c1", "app", "quiet", func(s types.Service) bool { return s.RunningCount == 1 })
			if n := len(sxByDeployment(e.sxTasks(t, "c1", "app"), d2)); n != 3 {
				t.Errorf("%d tasks of the FAILED deployment 30 min later, want still 3", n)
			}
			if tk := e.describe(t, aws.ToString(good[0].TaskArn)); aws.ToString(tk.LastStatus) != "RUNNING" {
				t.Errorf("the first deployment's task:\n%s", summary(tk))
			}
		})
	}
}

// TestServiceCircuitBreakerThreshold: threshold = clamp(ceil(desired/2), 3, 200). With
// maximumPercent 110 a 10-task service starts one new task at a time, so the breaker
// trips at exactly 5 failures.
func TestServiceCircuitBreakerThreshold(t *testing.T) {
	e := newServiceEnv(t, sxMissingImage)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("ten"))
	v2 := e.sxRegister(t, sxBadDef("ten", false))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("ten"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(10),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(110),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true}}})
	e.sxSteady(t, "c1", "ten")
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("ten"), TaskDefinition: aws.String(v2)})
	d2 := aws.ToString(up.Deployments[0].Id)
	s, _ := e.sxAdvanceUntil(t, "c1", "ten", "trips the breaker", 10*time.Second, 60*time.Minute, nil, func(s types.Service) bool {
		return sxPrimary(t, s).RolloutState == types.DeploymentRolloutStateFailed
	})
	if p := sxPrimary(t, s); p.FailedTasks != 5 {
		t.Errorf("failedTasks %d at the trip, want 5 for desired 10", p.FailedTasks)
	}
	if n := len(sxByDeployment(e.sxTasks(t, "c1", "ten"), d2)); n != 5 {
		t.Errorf("%d launch attempts before the trip, want 5", n)
	}
}

// TestServiceBreakerWithoutCompletedDeployment: a first deployment that fails has no
// COMPLETED deployment to roll back to, so the service halts (spec §5.7).
func TestServiceBreakerWithoutCompletedDeployment(t *testing.T) {
	e := newServiceEnv(t, sxMissingImage)
	e.createCluster(t, "c1")
	bad := e.sxRegister(t, sxBadDef("bad", false))
	created := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("bad"),
		TaskDefinition: aws.String(bad), DesiredCount: aws.Int32(1),
		DeploymentConfiguration: &types.DeploymentConfiguration{
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}})
	d1 := aws.ToString(created.Deployments[0].Id)
	s, _ := e.sxAdvanceUntil(t, "c1", "bad", "FAILED", 10*time.Second, 10*time.Minute, nil, func(s types.Service) bool {
		return s.Deployments[0].RolloutState == types.DeploymentRolloutStateFailed
	})
	if len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].Id) != d1 || aws.ToString(s.Deployments[0].Status) != "PRIMARY" ||
		s.Deployments[0].FailedTasks != 3 {
		t.Errorf("deployments %v failedTasks %d", deploymentsOf(s), s.Deployments[0].FailedTasks)
	}
	for i := 0; i < 6; i++ {
		e.clock.Advance(5 * time.Minute)
	}
	s = e.sxQuiet(t, "c1", "bad", "halted", func(s types.Service) bool { return s.RunningCount == 0 && s.PendingCount == 0 })
	if n := len(e.sxTasks(t, "c1", "bad")); n != 3 {
		t.Errorf("%d launch attempts, want 3 and then none", n)
	}
	for _, m := range eventsOf(s) {
		if len(m) > 26 && m[:26] == "(service bad) rolling back" {
			t.Errorf("rolled back with nothing to roll back to: %q", m)
		}
	}
}

// TestServiceLaunchBackoff: tasks that never reach RUNNING make ECS wait longer and
// longer (at most 27 minutes) between attempts and write the throttle event; a new
// deployment resets it at once (spec §5.8).
func TestServiceLaunchBackoff(t *testing.T) {
	e := newServiceEnv(t, sxMissingImage)
	e.createCluster(t, "c1")
	bad := e.sxRegister(t, sxBadDef("flaky", false))
	good := e.sxRegister(t, sxSimple("flaky"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("flaky"),
		TaskDefinition: aws.String(bad), DesiredCount: aws.Int32(1)})
	const throttled = "(service flaky) is unable to consistently start tasks successfully."
	e.eventuallyService(t, "c1", "flaky", "throttles", func(s types.Service) bool { return sxHasEvent(s, throttled) })
	attempts := func() int { return len(e.sxTasks(t, "c1", "flaky")) }
	n := attempts()
	if n < 2 {
		t.Errorf("throttled after %d failed launch", n)
	}
	for _, tk := range e.sxTasks(t, "c1", "flaky") {
		if tk.StopCode != types.TaskStopCodeTaskFailedToStart {
			t.Errorf("failed launch:\n%s", sxSummary([]types.Task{tk}))
		}
	}
	// Throttled: nothing more happens while the clock stands still.
	e.sxQuiet(t, "c1", "flaky", "throttled", func(types.Service) bool { return attempts() == n })

	const step = 15 * time.Second
	var gaps []time.Duration
	last := e.clock.Now()
	for len(gaps) < 3 {
		_, passed := e.sxAdvanceUntil(t, "c1", "flaky", "tries again", step, 28*time.Minute, nil, func(types.Service) bool {
			return attempts() > n
		})
		if passed == 0 {
			t.Fatalf("attempt %d came without the clock moving: not throttled", n+1)
		}
		gaps = append(gaps, e.clock.Now().Sub(last))
		last, n = e.clock.Now(), attempts()
	}
	for i := 1; i < len(gaps); i++ {
		if gaps[i]+step < gaps[i-1] {
			t.Errorf("back-off shrank: gaps %v", gaps)
		}
	}
	if gaps[len(gaps)-1] <= gaps[0] {
		t.Errorf("back-off does not grow: gaps %v", gaps)
	}
	t.Logf("gaps between attempts: %v", gaps)

	// A new deployment schedules at once, without waiting out the back-off.
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("flaky"), TaskDefinition: aws.String(good)})
	d2 := aws.ToString(up.Deployments[0].Id)
	e.eventuallyService(t, "c1", "flaky", "runs the new deployment without the clock moving", func(s types.Service) bool {
		return s.RunningCount == 1 && len(sxRunning(sxByDeployment(e.sxTasks(t, "c1", "flaky"), d2))) == 1
	})
}

// TestServiceCrashLoopIsNotThrottled: tasks that reach RUNNING and then stop do not
// trigger the launch back-off or its event (spec §5.8).
func TestServiceCrashLoopIsNotThrottled(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxBadDef("crash", true))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("crash"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	s, _ := e.sxAdvanceUntil(t, "c1", "crash", "restarts 8 times", time.Second, 2*time.Minute, nil, func(types.Service) bool {
		return len(e.sxTasks(t, "c1", "crash")) >= 9
	})
	if sxHasEvent(s, "(service crash) is unable to consistently start tasks successfully.") {
		t.Errorf("crash-looping tasks that reached RUNNING were throttled: %q", eventsOf(s))
	}
	for _, tk := range e.sxTasks(t, "c1", "crash") {
		if aws.ToString(tk.LastStatus) == "STOPPED" && tk.StopCode != types.TaskStopCodeEssentialContainerExited {
			t.Errorf("crashed task:\n%s", sxSummary([]types.Task{tk}))
		}
	}
}

// sxDeployment finds a deployment of the service by id.
func sxDeployment(s types.Service, id string) *types.Deployment {
	for i := range s.Deployments {
		if aws.ToString(s.Deployments[i].Id) == id {
			return &s.Deployments[i]
		}
	}
	return nil
}
