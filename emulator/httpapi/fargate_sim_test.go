package httpapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/fargate"
)

// spotService is a 4-task Fargate service on base 1 FARGATE + weight 1/3
// FARGATE/FARGATE_SPOT, steady.
func spotService(t *testing.T, e *taskEnv) []types.Task {
	t.Helper()
	e.createCluster(t, "c1")
	if _, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{Cluster: aws.String("c1"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	td := e.sxRegister(t, fargateDef("web", cdef("app", 0, nil)))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(4), NetworkConfiguration: awsvpcConfig("subnet-1"),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3}}})
	e.sxSteady(t, "c1", "web")
	return sxRunning(e.sxTasks(t, "c1", "web", types.DesiredStatusRunning))
}

func byProvider(ts []types.Task) map[string]int {
	n := map[string]int{}
	for _, tk := range ts {
		n[aws.ToString(tk.CapacityProviderName)]++
	}
	return n
}

// TestSpotServiceSplit: the service's tasks are split as ECS splits them, base first,
// then by weight (fargate.Split), and each shows its capacityProviderName.
func TestSpotServiceSplit(t *testing.T) {
	e := newServiceEnv(t)
	tasks := spotService(t, e)
	want := map[string]int{}
	split, err := fargate.Split([]ecs.CapacityProviderStrategyItem{{CapacityProvider: "FARGATE", Base: 1, Weight: 1},
		{CapacityProvider: "FARGATE_SPOT", Weight: 3}}, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range split {
		want[p]++
	}
	if got := byProvider(tasks); got["FARGATE"] != want["FARGATE"] || got["FARGATE_SPOT"] != want["FARGATE_SPOT"] || len(tasks) != 4 {
		t.Fatalf("providers %v, want %v", got, want)
	}
	if want["FARGATE"] < 1 || want["FARGATE_SPOT"] < 2 {
		t.Fatalf("split %v does not honour base 1 and weights 1:3", want)
	}
	for _, tk := range tasks {
		if tk.LaunchType != types.LaunchTypeFargate {
			t.Errorf("task on %s has launchType %q", aws.ToString(tk.CapacityProviderName), tk.LaunchType)
		}
	}
	if s := e.service(t, "c1", "web"); len(s.CapacityProviderStrategy) != 2 || s.LaunchType != "" {
		t.Errorf("service shows launchType %q, strategy %+v", s.LaunchType, s.CapacityProviderStrategy)
	}
}

// TestSpotInterruptionReplacesTheTask: an interrupted Spot task is told at once
// (desiredStatus STOPPED while RUNNING, stopCode SpotInterruption, ECS's reason), its
// containers get SIGTERM, it stops, and the service starts a replacement.
func TestSpotInterruptionReplacesTheTask(t *testing.T) {
	e := newServiceEnv(t)
	tasks := spotService(t, e)
	var victim types.Task
	for _, tk := range tasks {
		if aws.ToString(tk.CapacityProviderName) == "FARGATE_SPOT" {
			victim = tk
		}
	}
	arn := aws.ToString(victim.TaskArn)
	got, err := e.emu.InterruptSpot(context.Background(), "c1", []string{arn}, "", 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("InterruptSpot: %v %v", got, err)
	}
	stopped := e.eventually(t, arn, "is STOPPED", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
	if stopped.StopCode != types.TaskStopCodeSpotInterruption || aws.ToString(stopped.StoppedReason) != "Your Spot Task was interrupted." {
		t.Fatalf("stopped %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
	if h := e.history(arn, "kill", "stop", "die"); len(h) == 0 {
		t.Fatalf("the containers were not stopped: %v", e.history(arn))
	}
	e.sxEventuallyTasks(t, "c1", "web", "replace the interrupted task", func(ts []types.Task) bool {
		running := sxRunning(ts)
		if len(running) != 4 {
			return false
		}
		for _, tk := range running {
			if aws.ToString(tk.TaskArn) == arn {
				return false
			}
		}
		return true
	})
	if _, err := e.emu.InterruptSpot(context.Background(), "c1", []string{arn}, "", 0); err == nil {
		t.Fatal("interrupting a stopped task: no error")
	}
}

// TestSpotCapacityOffHoldsTasks: without Spot capacity new Spot tasks wait in
// PROVISIONING, with no fallback to on-demand; restoring capacity starts them.
func TestSpotCapacityOffHoldsTasks(t *testing.T) {
	e := newServiceEnv(t)
	spotService(t, e)
	if err := e.emu.SetSpotCapacity(context.Background(), "c1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.InterruptSpot(context.Background(), "c1", nil, "web", 0); err != nil {
		t.Fatal(err)
	}
	waiting := e.sxEventuallyTasks(t, "c1", "web", "hold the Spot replacements in PROVISIONING", func(ts []types.Task) bool {
		n := 0
		for _, tk := range sxLive(ts) {
			if aws.ToString(tk.CapacityProviderName) == "FARGATE_SPOT" && aws.ToString(tk.LastStatus) == "PROVISIONING" {
				n++
			}
		}
		return n >= 2
	})
	if got := byProvider(sxRunning(waiting)); got["FARGATE_SPOT"] != 0 {
		t.Fatalf("Spot tasks run without capacity: %v", got)
	}
	const noCapacity = "(service web) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone."
	if s := e.service(t, "c1", "web"); !sxHasEvent(s, noCapacity) {
		t.Errorf("no capacity event in %q", eventsOf(s))
	}
	// Time passes: they still wait (no fallback).
	e.advance(t, 10*time.Minute)
	if n := byProvider(sxRunning(e.sxTasks(t, "c1", "web", types.DesiredStatusRunning)))["FARGATE_SPOT"]; n != 0 {
		t.Fatalf("%d Spot tasks started without capacity", n)
	}
	if err := e.emu.SetSpotCapacity(context.Background(), "c1", true); err != nil {
		t.Fatal(err)
	}
	e.sxEventuallyTasks(t, "c1", "web", "start the Spot tasks once capacity returns", func(ts []types.Task) bool {
		return len(sxRunning(ts)) == 4
	})
}

// TestSpotInterruptionRate: with a mean time between interruptions, Spot tasks are
// reclaimed on the clock and replaced.
func TestSpotInterruptionRate(t *testing.T) {
	e := newServiceEnv(t)
	spotService(t, e)
	e.emu.SetSpotInterruptionRate(time.Minute)
	// At a 1-minute mean, an hour of fake time interrupts the four tasks (and their
	// replacements) many times over; two is a floor no seed can miss.
	n := 0
	for range 120 {
		e.advance(t, 30*time.Second)
		n = 0
		for _, tk := range e.sxTasks(t, "c1", "web", types.DesiredStatusStopped) {
			if tk.StopCode == types.TaskStopCodeSpotInterruption {
				n++
			}
		}
		if n >= 2 {
			break
		}
	}
	if n < 2 {
		t.Fatalf("%d Spot interruptions after an hour at a 1-minute mean", n)
	}
	e.emu.SetSpotInterruptionRate(0)
}

// TestRetirement: service tasks are replaced make-before-break on the date; standalone
// tasks are stopped and not replaced; with the default 7-day wait nothing happens before.
func TestRetirement(t *testing.T) {
	for _, wait := range []string{"0", "7"} {
		t.Run("wait "+wait+" days", func(t *testing.T) {
			e := newServiceEnv(t)
			if _, err := e.ecs.PutAccountSettingDefault(ctx(t), &sdkecs.PutAccountSettingDefaultInput{
				Name: types.SettingNameFargateTaskRetirementWaitPeriod, Value: aws.String(wait)}); err != nil {
				t.Fatal(err)
			}
			tasks := spotService(t, e)
			solo := e.run(t, &sdkecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
				NetworkConfiguration: awsvpcConfig("subnet-1")})[0]
			soloARN := aws.ToString(solo.TaskArn)
			e.status(t, soloARN, "RUNNING")
			ret, err := e.emu.Retire(context.Background(), emulator.RetireRequest{Cluster: "c1", Service: "web"})
			if err != nil || len(ret) != 4 {
				t.Fatalf("Retire service: %v %v", ret, err)
			}
			if _, err := e.emu.Retire(context.Background(), emulator.RetireRequest{Cluster: "c1", Tasks: []string{soloARN}}); err != nil {
				t.Fatal(err)
			}
			if wait == "7" {
				if d := ret[0].RetireAt.Sub(e.clock.Now()); d != 7*24*time.Hour {
					t.Fatalf("retires in %v, want 7 days", d)
				}
				e.advance(t, 6*24*time.Hour)
				if n := len(sxRunning(e.sxTasks(t, "c1", "web", types.DesiredStatusRunning))); n != 4 {
					t.Fatalf("%d service tasks running a day before the date", n)
				}
				e.status(t, soloARN, "RUNNING")
				e.clock.Advance(24 * time.Hour)
			}
			old := map[string]bool{}
			for _, tk := range tasks {
				old[aws.ToString(tk.TaskArn)] = true
			}
			// Replacements count as healthy 40 s after RUNNING; then the retired tasks stop.
			e.clockUntil(t, "replace every retired task", 41*time.Second, 10*time.Minute, func() bool {
				running := sxRunning(e.sxTasks(t, "c1", "web"))
				for _, tk := range running {
					if old[aws.ToString(tk.TaskArn)] {
						return false
					}
				}
				return len(running) == 4
			})
			for _, tk := range e.sxTasks(t, "c1", "web", types.DesiredStatusStopped) {
				if old[aws.ToString(tk.TaskArn)] && aws.ToString(tk.StoppedReason) != "ECS is performing maintenance on the underlying infrastructure hosting the task" {
					t.Errorf("retired service task stopped with %q", aws.ToString(tk.StoppedReason))
				}
			}
			st := e.eventually(t, soloARN, "is retired", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
			if aws.ToString(st.StoppedReason) != "ECS is performing maintenance on the underlying infrastructure hosting the task" {
				t.Errorf("standalone task stopped with %q", aws.ToString(st.StoppedReason))
			}
			// Nothing replaced the standalone task.
			if n := len(must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("c1"),
				Family: aws.String("web")})).TaskArns); n != 4 {
				t.Errorf("%d tasks of web running after the retirement, want the service's 4", n)
			}
		})
	}
}

// TestPlatformVersionGates: features that arrived with platform version 1.4.0 are refused
// on 1.3.0 (tasks spec §3.2).
func TestPlatformVersionGates(t *testing.T) {
	e := newTaskEnv(t)
	big := fargateDef("big", cdef("app", 0, nil))
	big.Cpu, big.Memory = aws.String("8192"), aws.String("16384")
	td := e.sxRegister(t, big)
	in := &sdkecs.RunTaskInput{TaskDefinition: aws.String(td), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpcConfig("subnet-1"), PlatformVersion: aws.String("1.3.0")}
	_, err := e.ecs.RunTask(ctx(t), in)
	sxAPIError(t, err, "PlatformTaskDefinitionIncompatibilityException", "8 and 16 vCPU tasks need platform version 1.4.0", false)
	in.PlatformVersion = aws.String("1.4.0")
	e.run(t, in)
	in.PlatformVersion, in.ClientToken = aws.String("9.9.9"), nil // the SDK filled in a token: a new request needs a new one
	_, err = e.ecs.RunTask(ctx(t), in)
	sxAPIError(t, err, "PlatformUnknownException", "The specified platform version does not exist.", true)
}

// TestFargateVCPUQuotas: with quotas set, RunTask refuses what would exceed them and a
// service says why it cannot place more tasks; Spot and on-demand count apart.
func TestFargateVCPUQuotas(t *testing.T) {
	e := newServiceEnv(t)
	e.emu.SetFargateQuotas(emulator.FargateQuotas{OnDemandVCPU: 1, SpotVCPU: 0.5})
	td := e.sxRegister(t, fargateDef("q", cdef("app", 0, nil))) // 256 units: 0.25 vCPU each
	run := func(n int32, provider string) error {
		in := &sdkecs.RunTaskInput{TaskDefinition: aws.String(td), Count: aws.Int32(n), NetworkConfiguration: awsvpcConfig("subnet-1")}
		if provider == "" {
			in.LaunchType = types.LaunchTypeFargate
		} else {
			in.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String(provider), Weight: 1}}
		}
		_, err := e.ecs.RunTask(ctx(t), in)
		return err
	}
	if err := run(4, ""); err != nil {
		t.Fatalf("4 × 0.25 vCPU within a 1-vCPU quota: %v", err)
	}
	sxAPIError(t, run(1, ""), "LimitExceededException", "You've reached the limit on the number of vCPUs you can run concurrently.", true)
	if _, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	if err := run(2, "FARGATE_SPOT"); err != nil {
		t.Fatalf("Spot has its own quota: %v", err)
	}
	sxAPIError(t, run(1, "FARGATE_SPOT"), "LimitExceededException", "", false)

	e.sxCreate(t, &sdkecs.CreateServiceInput{ServiceName: aws.String("more"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpcConfig("subnet-1")})
	want := "(service more) was unable to place a task. Reason: You've reached the limit on the number of vCPUs you can run concurrently."
	e.eventuallyService(t, "default", "more", "report the quota", func(s types.Service) bool { return sxHasEvent(s, want) && s.PendingCount+s.RunningCount == 0 })
	// Room again: the service places its task on its next try.
	for _, arn := range must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Family: aws.String("q")})).TaskArns {
		if _, err := e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
		e.status(t, arn, "STOPPED")
	}
	e.clock.Advance(11 * time.Second)
	e.eventuallyService(t, "default", "more", "place its task once there is room", func(s types.Service) bool { return s.RunningCount == 1 })
}

// TestForceNewDeploymentPreemptsRetirement: redeploying a service before its retirement
// date replaces the tasks due to retire, and nothing is retired on the date.
func TestForceNewDeploymentPreemptsRetirement(t *testing.T) {
	e := newServiceEnv(t)
	spotService(t, e)
	if _, err := e.emu.Retire(context.Background(), emulator.RetireRequest{Cluster: "c1", Service: "web"}); err != nil {
		t.Fatal(err)
	}
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), ForceNewDeployment: true})
	e.eventuallyService(t, "c1", "web", "starts the new deployment's tasks", func(s types.Service) bool { return s.RunningCount == 8 })
	e.clock.Advance(41 * time.Second)
	s := e.eventuallyService(t, "c1", "web", "completes the redeployment", func(s types.Service) bool {
		return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
	fresh := sxRunning(e.sxTasks(t, "c1", "web", types.DesiredStatusRunning))
	e.advance(t, 7*24*time.Hour)
	after := e.sxQuiet(t, "c1", "web", "stays as it is", func(s types.Service) bool { return stable(s) })
	if got := sxIDs(sxRunning(e.sxTasks(t, "c1", "web", types.DesiredStatusRunning))); !slices.Equal(got, sxIDs(fresh)) {
		t.Fatalf("tasks after the retirement date %v, want the redeployed %v", got, sxIDs(fresh))
	}
	for _, ev := range eventsOf(after)[:len(eventsOf(after))-len(eventsOf(s))] {
		if strings.Contains(ev, "has stopped") {
			t.Errorf("a task was stopped on the date: %q", ev)
		}
	}
}
