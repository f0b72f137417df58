package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/events"
)

// With managed termination protection a group that is asked to shrink removes only
// instances with no tasks (spec §2.4): a busy instance stays until its tasks are gone.
func TestManagedTerminationProtection(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	two := 2
	asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg", Cluster: "c", DesiredCapacity: &two})
	if err != nil {
		t.Fatal(err)
	}
	must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
		Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg.ARN),
			ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled,
			ManagedScaling:               &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled}}}))
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("c"), CapacityProviders: []string{"cp"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}))
	e.clockUntil(t, "boot two instances", 10*time.Second, 2*time.Minute, func() bool { return e.asgState(t).Instances == 2 })
	td := e.sxRegister(t, memDef("big", 256, 5000)) // one per m5.large
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td),
		Count: aws.Int32(2), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}))
	for _, task := range run.Tasks {
		e.eventually(t, aws.ToString(task.TaskArn), "run", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "RUNNING" })
	}
	one := 1
	if _, err := e.emu.UpdateASG(context.Background(), emulator.ASGRequest{Name: "asg", DesiredCapacity: &one}); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	{
		if a := e.asgState(t); a.Instances != 2 || a.DesiredCapacity != 1 {
			t.Fatalf("a protected group scaled in a busy instance: desired %d, %d instances", a.DesiredCapacity, a.Instances)
		}
		out := must[*sdkecs.ListContainerInstancesOutput](t)(e.ecs.ListContainerInstances(ctx(t), &sdkecs.ListContainerInstancesInput{
			Cluster: aws.String("c"), Status: types.ContainerInstanceStatusDraining}))
		if len(out.ContainerInstanceArns) > 0 {
			t.Fatalf("a protected group drained a busy instance for scale-in")
		}
	}
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("c"), Task: run.Tasks[0].TaskArn}))
	e.clockUntil(t, "scale in the emptied instance", 10*time.Second, 2*time.Minute, func() bool { return e.asgState(t).Instances == 1 })
	dt := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{aws.ToString(run.Tasks[1].TaskArn)}}))
	if aws.ToString(dt.Tasks[0].DesiredStatus) != "RUNNING" {
		t.Errorf("the task on the kept instance was stopped: %s", aws.ToString(dt.Tasks[0].StoppedReason))
	}
}

// EC2 Spot instances are reclaimed at random with --spot-instance-interruption-rate,
// and every step of an instance's life is an ECS Container Instance State Change.
func TestSpotInstanceRateAndEvents(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	spot, err := e.emu.AddInstance(context.Background(), emulator.AddInstanceRequest{Cluster: "c", Spot: true})
	if err != nil {
		t.Fatal(err)
	}
	e.emu.SetSpotInstanceInterruptionRate(time.Minute)
	e.clockUntil(t, "reclaim the Spot instance", 30*time.Second, 2*time.Hour, func() bool {
		return aws.ToString(e.describeInstance(t, "c", spot.ContainerInstanceArn).Status) == "INACTIVE"
	})
	var statuses []string
	for _, ev := range e.emu.Events().History(events.Filter{}, 0) {
		if ev.DetailType != events.ContainerInstanceStateChange {
			continue
		}
		var d struct {
			ContainerInstanceArn, Status, ClusterArn string
			Version                                  int
		}
		if err := json.Unmarshal(ev.Detail, &d); err != nil || d.ContainerInstanceArn != spot.ContainerInstanceArn || d.ClusterArn == "" {
			t.Fatalf("event detail %s: %v", ev.Detail, err)
		}
		statuses = append(statuses, d.Status)
	}
	if len(statuses) < 3 || statuses[0] != "ACTIVE" || statuses[1] != "DRAINING" || statuses[len(statuses)-1] != "INACTIVE" {
		t.Errorf("container instance events: %v, want ACTIVE, DRAINING, …, INACTIVE", statuses)
	}
}
