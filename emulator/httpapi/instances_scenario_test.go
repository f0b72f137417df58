package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

// asgEnv is a service environment with cluster c, a simulated Auto Scaling group "asg"
// of m5.large instances and capacity provider "cp" with managed scaling on it, the
// cluster's default strategy.
func asgEnv(t *testing.T, minSize, maxSize int, protect string) *taskEnv {
	t.Helper()
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg", Cluster: "c", InstanceType: "m5.large",
		MinSize: &minSize, MaxSize: &maxSize})
	if err != nil {
		t.Fatalf("CreateASG: %v", err)
	}
	must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
		Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
			AutoScalingGroupArn: aws.String(asg.ARN), ManagedTerminationProtection: types.ManagedTerminationProtection(protect),
			ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100),
				MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(10), InstanceWarmupPeriod: aws.Int32(60)}}}))
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("c"), CapacityProviders: []string{"cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}))
	return e
}

// asgState reads the simulated group.
func (e *taskEnv) asgState(t testing.TB) *emulator.ASG {
	t.Helper()
	all, err := e.emu.ASGs(context.Background())
	if err != nil || len(all) != 1 {
		t.Fatalf("ASGs: %v %v", all, err)
	}
	return all[0]
}

// clockUntil moves the fake clock by step up to limit, settling after each step, until
// cond holds.
func (e *taskEnv) clockUntil(t testing.TB, what string, step, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	for passed := time.Duration(0); passed <= limit; passed += step {
		e.settle(t)
		if cond() {
			return passed
		}
		e.clock.Advance(step)
	}
	t.Fatalf("never %s within %s of fake time", what, limit)
	return 0
}

func TestManagedScalingFromZeroAndBack(t *testing.T) {
	e := asgEnv(t, 0, 10, "DISABLED")
	td := e.sxRegister(t, memDef("big", 256, 3000)) // two fit on an m5.large
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(5), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}})

	// The tasks wait in PROVISIONING for capacity.
	waiting := e.sxEventuallyTasks(t, "c", "web", "wait for capacity", func(ts []types.Task) bool { return len(sxLive(ts)) == 5 })
	for _, task := range waiting {
		if aws.ToString(task.LastStatus) != "PROVISIONING" || aws.ToString(task.ContainerInstanceArn) != "" {
			t.Fatalf("task before capacity: %s on %q", aws.ToString(task.LastStatus), aws.ToString(task.ContainerInstanceArn))
		}
	}
	// From zero, managed scaling goes to two instances first, then to what the tasks
	// need (three) once the first ones are past their warm-up.
	var timeline []string
	e.clockUntil(t, "run the service", 10*time.Second, 15*time.Minute, func() bool {
		a := e.asgState(t)
		line := fmt.Sprintf("desired %d instances %d", a.DesiredCapacity, a.Instances)
		if len(timeline) == 0 || timeline[len(timeline)-1] != line {
			timeline = append(timeline, line)
		}
		return e.service(t, "c", "web").RunningCount == 5
	})
	a := e.asgState(t)
	if a.Instances != 3 || a.DesiredCapacity != 3 {
		t.Fatalf("group after scale-out: desired %d instances %d; timeline %v", a.DesiredCapacity, a.Instances, timeline)
	}
	t.Logf("scale-out timeline: %v", timeline)
	first := ""
	for _, line := range timeline {
		if line != "desired 0 instances 0" {
			first = line
			break
		}
	}
	if first != "desired 2 instances 0" {
		t.Errorf("scale-out from zero did not go to 2 first: %v", timeline)
	}
	for _, task := range sxLive(e.sxTasks(t, "c", "web")) {
		if aws.ToString(task.ContainerInstanceArn) == "" || aws.ToString(task.CapacityProviderName) != "cp" {
			t.Errorf("running task not on an instance of cp: %q %q", aws.ToString(task.ContainerInstanceArn), aws.ToString(task.CapacityProviderName))
		}
	}

	// Scaled to zero, the group scales in only after 15 minutes below target.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(0)})
	e.eventuallyService(t, "c", "web", "stop its tasks", func(s types.Service) bool { return s.RunningCount == 0 && s.PendingCount == 0 })
	passed := e.clockUntil(t, "scale in", 30*time.Second, 40*time.Minute, func() bool {
		a := e.asgState(t)
		return a.Instances == 0 && a.DesiredCapacity == 0
	})
	if passed < 14*time.Minute {
		t.Errorf("scaled in after %s, want ≥ 15 minutes of low reservation", passed)
	}
}

func TestDrainingMovesServiceTasks(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	a := e.registerInstance(t, "c", "i-00000000000000001", "m5.large", "us-east-1a")
	b := e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	td := e.sxRegister(t, memDef("app", 128, 256))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(4)})
	e.sxSteady(t, "c", "web")
	standalone := must[*sdkecs.StartTaskOutput](t)(e.ecs.StartTask(ctx(t), &sdkecs.StartTaskInput{Cluster: aws.String("c"),
		TaskDefinition: aws.String(td), ContainerInstances: []string{aws.ToString(a.ContainerInstanceArn)}}))
	if len(standalone.Tasks) != 1 {
		t.Fatalf("StartTask: %+v", standalone.Failures)
	}

	must[*sdkecs.UpdateContainerInstancesStateOutput](t)(e.ecs.UpdateContainerInstancesState(ctx(t), &sdkecs.UpdateContainerInstancesStateInput{
		Cluster: aws.String("c"), ContainerInstances: []string{aws.ToString(a.ContainerInstanceArn)}, Status: types.ContainerInstanceStatusDraining}))
	e.sxAdvanceUntil(t, "c", "web", "move off the draining instance", 10*time.Second, 10*time.Minute, nil, func(s types.Service) bool {
		live := sxRunning(e.sxTasks(t, "c", "web", types.DesiredStatusRunning))
		for _, task := range live {
			if aws.ToString(task.ContainerInstanceArn) != aws.ToString(b.ContainerInstanceArn) {
				return false
			}
		}
		return len(live) == 4
	})
	// The standalone task stays where it is.
	dt := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("c"),
		Tasks: []string{aws.ToString(standalone.Tasks[0].TaskArn)}}))
	if aws.ToString(dt.Tasks[0].DesiredStatus) != "RUNNING" {
		t.Errorf("standalone task on a draining instance: desired %s", aws.ToString(dt.Tasks[0].DesiredStatus))
	}
	ci := e.describeInstance(t, "c", aws.ToString(a.ContainerInstanceArn))
	if aws.ToString(ci.Status) != "DRAINING" || ci.RunningTasksCount != 1 {
		t.Errorf("draining instance: %s with %d running", aws.ToString(ci.Status), ci.RunningTasksCount)
	}
}

func TestDaemonServiceFollowsInstances(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	e.registerInstance(t, "c", "i-00000000000000001", "m5.large", "us-east-1a")
	b := e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	td := e.sxRegister(t, memDef("agent", 64, 128))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("agent"), TaskDefinition: aws.String(td),
		SchedulingStrategy: types.SchedulingStrategyDaemon})
	perInstance := func(want int) func(types.Service) bool {
		return func(s types.Service) bool {
			live := sxRunning(e.sxTasks(t, "c", "agent", types.DesiredStatusRunning))
			hosts := map[string]int{}
			for _, task := range live {
				hosts[aws.ToString(task.ContainerInstanceArn)]++
			}
			return s.DesiredCount == int32(want) && len(live) == want && len(hosts) == want
		}
	}
	e.eventuallyService(t, "c", "agent", "run one task per instance", perInstance(2))
	e.registerInstance(t, "c", "i-00000000000000003", "m5.large", "us-east-1c")
	e.eventuallyService(t, "c", "agent", "follow a new instance", perInstance(3))
	must[*sdkecs.UpdateContainerInstancesStateOutput](t)(e.ecs.UpdateContainerInstancesState(ctx(t), &sdkecs.UpdateContainerInstancesStateInput{
		Cluster: aws.String("c"), ContainerInstances: []string{aws.ToString(b.ContainerInstanceArn)}, Status: types.ContainerInstanceStatusDraining}))
	e.sxAdvanceUntil(t, "c", "agent", "leave the draining instance", 5*time.Second, 5*time.Minute, nil, perInstance(2))

	// A new revision replaces each daemon task in place (0 % / 100 %, spec §5.3).
	td2 := e.sxRegister(t, memDef("agent", 64, 256))
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("agent"), TaskDefinition: aws.String(td2)})
	e.sxAdvanceUntil(t, "c", "agent", "roll to the new revision", 5*time.Second, 10*time.Minute, nil, func(s types.Service) bool {
		live := sxRunning(e.sxTasks(t, "c", "agent", types.DesiredStatusRunning))
		for _, task := range live {
			if aws.ToString(task.TaskDefinitionArn) != td2 {
				return false
			}
		}
		return perInstance(2)(s) && len(s.Deployments) == 1
	})
}

func TestSpotInstanceInterruption(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	spot, err := e.emu.AddInstance(context.Background(), emulator.AddInstanceRequest{Cluster: "c", Type: "m5.large", AZ: "us-east-1a", Spot: true})
	if err != nil {
		t.Fatalf("AddInstance: %v", err)
	}
	td := e.sxRegister(t, memDef("app", 128, 256))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(2)})
	e.sxSteady(t, "c", "web")
	if _, err := e.emu.AddInstance(context.Background(), emulator.AddInstanceRequest{Cluster: "c", Type: "m5.large", AZ: "us-east-1b"}); err != nil {
		t.Fatalf("AddInstance: %v", err)
	}
	ci, err := e.emu.InterruptSpotInstance(context.Background(), "c", spot.Ec2InstanceId)
	if err != nil || ci.Status != "DRAINING" {
		t.Fatalf("InterruptSpotInstance: %v %+v", err, ci)
	}
	// Two minutes later the instance is gone and the service runs elsewhere.
	e.clockUntil(t, "terminate the Spot instance", 10*time.Second, 5*time.Minute, func() bool {
		return e.describeInstance(t, "c", spot.ContainerInstanceArn).Status != nil &&
			aws.ToString(e.describeInstance(t, "c", spot.ContainerInstanceArn).Status) == "INACTIVE"
	})
	e.sxAdvanceUntil(t, "c", "web", "run on the on-demand instance", 10*time.Second, 5*time.Minute, nil, func(s types.Service) bool {
		live := sxRunning(e.sxTasks(t, "c", "web", types.DesiredStatusRunning))
		for _, task := range live {
			if aws.ToString(task.ContainerInstanceArn) == spot.ContainerInstanceArn {
				return false
			}
		}
		return len(live) == 2
	})
}

// Scale-in follows the service's spread strategy (spec §4.3): the zones stay balanced.
func TestScaleInKeepsZonesBalanced(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	e.registerInstance(t, "c", "i-00000000000000001", "m5.large", "us-east-1a")
	e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	td := e.sxRegister(t, memDef("app", 128, 256))
	spread := []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}}
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(2), PlacementStrategy: spread})
	e.sxSteady(t, "c", "web")
	e.registerInstance(t, "c", "i-00000000000000003", "m5.large", "us-east-1c")
	zones := func() map[string]int {
		out := map[string]int{}
		for _, task := range sxLive(e.sxTasks(t, "c", "web", types.DesiredStatusRunning)) {
			out[aws.ToString(task.AvailabilityZone)]++
		}
		return out
	}
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(4)})
	e.sxSteady(t, "c", "web")
	if z := zones(); len(z) != 3 {
		t.Fatalf("4 tasks spread over %v", z)
	}
	// Every task counts as healthy 40 s after it started; only then does the strategy
	// alone decide (a task not yet healthy goes first).
	e.clock.Advance(time.Minute)
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(3)})
	e.eventuallyService(t, "c", "web", "scale in to 3", func(s types.Service) bool { return s.RunningCount == 3 })
	if z := zones(); len(z) != 3 || z["us-east-1a"] != 1 || z["us-east-1b"] != 1 || z["us-east-1c"] != 1 {
		t.Errorf("after scale-in the zones hold %v, want one task each", z)
	}
}

// Instances a group launched before any capacity provider named it join the provider
// once one does, and take its tasks.
func TestProviderAdoptsEarlierInstances(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	two := 2
	asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg", Cluster: "c", MinSize: &two, DesiredCapacity: &two})
	if err != nil {
		t.Fatal(err)
	}
	e.clockUntil(t, "boot the group's instances", 10*time.Second, 2*time.Minute, func() bool { return e.asgState(t).Instances == 2 })
	must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
		Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg.ARN),
			ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled}}}))
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("c"), CapacityProviders: []string{"cp"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}))
	td := e.sxRegister(t, memDef("app", 128, 256))
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td),
		Count: aws.Int32(4), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}))
	e.clockUntil(t, "place the tasks on the adopted instances", 10*time.Second, 3*time.Minute, func() bool {
		dt := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("c"),
			Tasks: []string{aws.ToString(run.Tasks[0].TaskArn), aws.ToString(run.Tasks[1].TaskArn), aws.ToString(run.Tasks[2].TaskArn), aws.ToString(run.Tasks[3].TaskArn)}}))
		for _, task := range dt.Tasks {
			if aws.ToString(task.ContainerInstanceArn) == "" {
				return false
			}
		}
		return true
	})
	for _, arn := range e.listInstances(t, "c", "") {
		if ci := e.describeInstance(t, "c", arn); aws.ToString(ci.CapacityProviderName) != "cp" {
			t.Errorf("instance %s has capacity provider %q, want cp", arn, aws.ToString(ci.CapacityProviderName))
		}
	}
}

// A task waiting for a group's capacity is placed as soon as a task on the group's
// instance stops and leaves room, without waiting for the next scaling evaluation.
func TestWaitingTaskTakesFreedRoom(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	one := 1
	asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg", Cluster: "c", MinSize: &one, MaxSize: &one, DesiredCapacity: &one})
	if err != nil {
		t.Fatal(err)
	}
	must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
		Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg.ARN)}}))
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("c"), CapacityProviders: []string{"cp"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}))
	e.clockUntil(t, "boot the group's instance", 10*time.Second, 2*time.Minute, func() bool { return e.asgState(t).Instances == 1 })
	td := e.sxRegister(t, memDef("big", 256, 5000)) // one fits on an m5.large
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td),
		Count: aws.Int32(2), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}))
	var placed, waiting string
	for _, task := range run.Tasks {
		if aws.ToString(task.ContainerInstanceArn) != "" {
			placed = aws.ToString(task.TaskArn)
		} else {
			waiting = aws.ToString(task.TaskArn)
		}
	}
	if placed == "" || waiting == "" {
		t.Fatalf("want one task placed and one waiting: %+v", run.Tasks)
	}
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("c"), Task: aws.String(placed)}))
	e.eventually(t, waiting, "be placed in the room the stopped task left", func(tk *types.Task) bool {
		return aws.ToString(tk.ContainerInstanceArn) != ""
	})
}
