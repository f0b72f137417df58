package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

// daemonEnv is a service environment with cluster c, a simulated Auto Scaling group
// "asg" of m5.large instances (2048 CPU units) sized by hand, its capacity provider
// "cp" (no managed scaling) on the cluster, and daemon task definition "agent:1".
func daemonEnv(t *testing.T, instances int) (*taskEnv, string) {
	t.Helper()
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	zero, five := 0, 5
	asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg", Cluster: "c", InstanceType: "m5.large",
		MinSize: &zero, MaxSize: &five, DesiredCapacity: &instances})
	if err != nil {
		t.Fatalf("CreateASG: %v", err)
	}
	must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
		Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg.ARN),
			ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusDisabled}}}))
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("c"), CapacityProviders: []string{"cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}))
	e.clockUntil(t, "boot the group", 10*time.Second, 10*time.Minute, func() bool { return len(e.activeInstances(t)) == instances })
	return e, e.registerDaemonDef(t, "1024")
}

func (e *taskEnv) registerDaemonDef(t testing.TB, cpu string) string {
	t.Helper()
	out := must[*sdkecs.RegisterDaemonTaskDefinitionOutput](t)(e.ecs.RegisterDaemonTaskDefinition(ctx(t), &sdkecs.RegisterDaemonTaskDefinitionInput{
		Family: aws.String("agent"), Cpu: aws.String(cpu), Memory: aws.String("256"),
		ContainerDefinitions: []types.DaemonContainerDefinition{{Name: aws.String("log"), Image: aws.String("fluent-bit:latest")}}}))
	return aws.ToString(out.DaemonTaskDefinitionArn)
}

func (e *taskEnv) createDaemon(t testing.TB, td string) string {
	t.Helper()
	out := must[*sdkecs.CreateDaemonOutput](t)(e.ecs.CreateDaemon(ctx(t), &sdkecs.CreateDaemonInput{DaemonName: aws.String("logs"),
		ClusterArn: aws.String("c"), DaemonTaskDefinitionArn: aws.String(td), CapacityProviderArns: []string{"cp"}}))
	return aws.ToString(out.DaemonArn)
}

// activeInstances are the cluster's ACTIVE container instance ARNs.
func (e *taskEnv) activeInstances(t testing.TB) []string {
	t.Helper()
	out := must[*sdkecs.ListContainerInstancesOutput](t)(e.ecs.ListContainerInstances(ctx(t), &sdkecs.ListContainerInstancesInput{
		Cluster: aws.String("c"), Status: types.ContainerInstanceStatusActive}))
	return out.ContainerInstanceArns
}

// groupTasks are cluster c's tasks of a task group that are wanted RUNNING.
func (e *taskEnv) groupTasks(t testing.TB, group string) []types.Task {
	t.Helper()
	list := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("c"), MaxResults: aws.Int32(100)}))
	if len(list.TaskArns) == 0 {
		return nil
	}
	out := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: list.TaskArns}))
	var tasks []types.Task
	for _, tk := range out.Tasks {
		if aws.ToString(tk.Group) == group && aws.ToString(tk.DesiredStatus) == "RUNNING" {
			tasks = append(tasks, tk)
		}
	}
	return tasks
}

// onEveryInstance says whether every ACTIVE instance runs exactly one RUNNING daemon
// task of td, and no other instance one.
func (e *taskEnv) onEveryInstance(t testing.TB, td string) bool {
	t.Helper()
	hosts := map[string]int{}
	for _, tk := range e.groupTasks(t, "daemon:logs") {
		if aws.ToString(tk.LastStatus) != "RUNNING" || aws.ToString(tk.TaskDefinitionArn) != td {
			return false
		}
		hosts[aws.ToString(tk.ContainerInstanceArn)]++
	}
	active := e.activeInstances(t)
	if len(hosts) != len(active) {
		return false
	}
	for _, ci := range active {
		if hosts[ci] != 1 {
			return false
		}
	}
	return true
}

func (e *taskEnv) daemon(t testing.TB, arn string) *types.DaemonDetail {
	t.Helper()
	return must[*sdkecs.DescribeDaemonOutput](t)(e.ecs.DescribeDaemon(ctx(t), &sdkecs.DescribeDaemonInput{DaemonArn: aws.String(arn)})).Daemon
}

func (e *taskEnv) daemonDeployment(t testing.TB, arn string) types.DaemonDeployment {
	t.Helper()
	out := must[*sdkecs.DescribeDaemonDeploymentsOutput](t)(e.ecs.DescribeDaemonDeployments(ctx(t), &sdkecs.DescribeDaemonDeploymentsInput{
		DaemonDeploymentArns: []string{arn}}))
	if len(out.DaemonDeployments) != 1 {
		t.Fatalf("DescribeDaemonDeployments %s: %+v", arn, out.Failures)
	}
	return out.DaemonDeployments[0]
}

func (e *taskEnv) resizeGroup(t testing.TB, n int) {
	t.Helper()
	if _, err := e.emu.UpdateASG(context.Background(), emulator.ASGRequest{Name: "asg", DesiredCapacity: &n}); err != nil {
		t.Fatalf("UpdateASG: %v", err)
	}
}

// TestDaemonFollowsInstances: one daemon task on every instance of the capacity
// provider, started when an instance joins, replaced when it stops, gone with its
// instance; the daemon's counts and first deployment say so.
func TestDaemonFollowsInstances(t *testing.T) {
	e, td := daemonEnv(t, 2)
	arn := e.createDaemon(t, td)
	e.clockUntil(t, "run the daemon on both instances", 5*time.Second, 2*time.Minute, func() bool { return e.onEveryInstance(t, td) })
	d := e.daemon(t, arn)
	if len(d.CurrentRevisions) != 1 || d.CurrentRevisions[0].TotalRunningCount != 2 || d.CurrentRevisions[0].CapacityProviders[0].RunningCount != 2 {
		t.Fatalf("DescribeDaemon revisions: %+v", d.CurrentRevisions)
	}
	dep := e.daemonDeployment(t, aws.ToString(d.DeploymentArn))
	if dep.Status != types.DaemonDeploymentStatusSuccessful || aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount) != 2 || dep.FinishedAt == nil {
		t.Fatalf("first deployment: %s running %d", dep.Status, aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount))
	}

	e.resizeGroup(t, 3)
	e.clockUntil(t, "follow a new instance", 5*time.Second, 5*time.Minute, func() bool {
		return len(e.activeInstances(t)) == 3 && e.onEveryInstance(t, td)
	})

	// A daemon task that stops is replaced on its instance.
	victim := e.groupTasks(t, "daemon:logs")[0]
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("c"), Task: victim.TaskArn}))
	e.clockUntil(t, "replace a stopped daemon task", 5*time.Second, 2*time.Minute, func() bool {
		for _, tk := range e.groupTasks(t, "daemon:logs") {
			if aws.ToString(tk.TaskArn) == aws.ToString(victim.TaskArn) {
				return false
			}
		}
		return e.onEveryInstance(t, td)
	})

	// Instances that leave take their daemon task with them.
	e.resizeGroup(t, 1)
	e.clockUntil(t, "follow the scale-in", 10*time.Second, 10*time.Minute, func() bool {
		return len(e.activeInstances(t)) == 1 && len(e.groupTasks(t, "daemon:logs")) == 1 && e.onEveryInstance(t, td)
	})
	if n := e.daemon(t, arn).CurrentRevisions[0].TotalRunningCount; n != 1 {
		t.Errorf("running count after scale-in = %d, want 1", n)
	}
}

// TestDaemonStartsBeforeOtherTasks: on a new instance the daemon's task is placed
// before service tasks that were waiting for capacity, so the daemon always fits.
func TestDaemonStartsBeforeOtherTasks(t *testing.T) {
	e, td := daemonEnv(t, 0)
	e.createDaemon(t, td) // 1024 CPU units
	app := e.sxRegister(t, memDef("app", 1024, 256))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(app),
		DesiredCount: aws.Int32(2), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}})
	e.settle(t)
	if n := len(e.groupTasks(t, "service:web")); n != 2 {
		t.Fatalf("%d service tasks waiting, want 2", n)
	}
	e.resizeGroup(t, 1)
	e.clockUntil(t, "run the daemon on the new instance", 5*time.Second, 5*time.Minute, func() bool {
		return len(e.activeInstances(t)) == 1 && e.onEveryInstance(t, td)
	})
	placed := 0
	for _, tk := range e.groupTasks(t, "service:web") {
		if aws.ToString(tk.ContainerInstanceArn) != "" {
			placed++
		}
	}
	if placed != 1 {
		t.Errorf("%d service tasks placed on the 2048-unit instance beside the daemon, want 1", placed)
	}
}

// TestDaemonDeploymentRollsAndDeletes: UpdateDaemon to a new revision replaces the
// tasks drainPercent of the instances at a time, baking between steps, the deployment going IN_PROGRESS →
// SUCCESSFUL with the counts moving from source to target; DeleteDaemon stops them.
func TestDaemonDeploymentRollsAndDeletes(t *testing.T) {
	e, td1 := daemonEnv(t, 2)
	arn := e.createDaemon(t, td1)
	e.clockUntil(t, "run the daemon", 5*time.Second, 2*time.Minute, func() bool { return e.onEveryInstance(t, td1) })
	td2 := e.registerDaemonDef(t, "512")
	up := must[*sdkecs.UpdateDaemonOutput](t)(e.ecs.UpdateDaemon(ctx(t), &sdkecs.UpdateDaemonInput{DaemonArn: aws.String(arn),
		DaemonTaskDefinitionArn: aws.String(td2), CapacityProviderArns: []string{"cp"},
		DeploymentConfiguration: &types.DaemonDeploymentConfiguration{DrainPercent: aws.Float64(50), BakeTimeInMinutes: 1}}))
	e.settle(t)
	dep := e.daemonDeployment(t, aws.ToString(up.DeploymentArn))
	if dep.Status != types.DaemonDeploymentStatusInProgress || len(dep.SourceDaemonRevisions) != 1 ||
		aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount) != 1 || aws.ToInt32(dep.SourceDaemonRevisions[0].TotalRunningInstanceCount) != 1 {
		t.Fatalf("deployment baking after its first step: %s, %d sources, target %d", dep.Status, len(dep.SourceDaemonRevisions),
			aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount))
	}
	old := 0
	for _, tk := range e.groupTasks(t, "daemon:logs") {
		if aws.ToString(tk.TaskDefinitionArn) == td1 {
			old++
		}
	}
	if old != 1 {
		t.Errorf("%d tasks of the old revision still wanted after the first step, want 1 (drainPercent 50 of 2)", old)
	}
	e.advance(t, 59*time.Second)
	if e.onEveryInstance(t, td2) {
		t.Errorf("the second step started before the bake time ended")
	}
	if n := len(e.daemon(t, arn).CurrentRevisions); n != 2 {
		t.Errorf("%d current revisions during the rollout, want 2", n)
	}
	e.clockUntil(t, "roll to the new revision", 5*time.Second, 5*time.Minute, func() bool { return e.onEveryInstance(t, td2) })
	dep = e.daemonDeployment(t, aws.ToString(up.DeploymentArn))
	if dep.Status != types.DaemonDeploymentStatusSuccessful || aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount) != 2 ||
		aws.ToInt32(dep.SourceDaemonRevisions[0].TotalRunningInstanceCount) != 0 {
		t.Fatalf("deployment after the rollout: %s target %d source %d", dep.Status,
			aws.ToInt32(dep.TargetDaemonRevision.TotalRunningInstanceCount), aws.ToInt32(dep.SourceDaemonRevisions[0].TotalRunningInstanceCount))
	}
	d := e.daemon(t, arn)
	if len(d.CurrentRevisions) != 1 || aws.ToString(d.CurrentRevisions[0].Arn) != aws.ToString(dep.TargetDaemonRevision.Arn) {
		t.Fatalf("current revisions after the rollout: %+v", d.CurrentRevisions)
	}
	list := must[*sdkecs.ListDaemonDeploymentsOutput](t)(e.ecs.ListDaemonDeployments(ctx(t), &sdkecs.ListDaemonDeploymentsInput{DaemonArn: aws.String(arn)}))
	if len(list.DaemonDeployments) != 2 || list.DaemonDeployments[0].Status != types.DaemonDeploymentStatusSuccessful {
		t.Fatalf("ListDaemonDeployments: %+v", list.DaemonDeployments)
	}

	del := must[*sdkecs.DeleteDaemonOutput](t)(e.ecs.DeleteDaemon(ctx(t), &sdkecs.DeleteDaemonInput{DaemonArn: aws.String(arn)}))
	e.clockUntil(t, "stop the daemon's tasks", 5*time.Second, 2*time.Minute, func() bool { return len(e.groupTasks(t, "daemon:logs")) == 0 })
	e.settle(t)
	if dep := e.daemonDeployment(t, aws.ToString(del.DeploymentArn)); dep.Status != types.DaemonDeploymentStatusSuccessful {
		t.Errorf("delete deployment: %s", dep.Status)
	}
	if d := e.daemon(t, arn); d.Status != types.DaemonStatusDeleteInProgress || len(d.CurrentRevisions) != 0 {
		t.Errorf("deleted daemon: %s %+v", d.Status, d.CurrentRevisions)
	}
	// Nothing starts again on the instances.
	e.advance(t, time.Minute)
	if n := len(e.groupTasks(t, "daemon:logs")); n != 0 {
		t.Errorf("%d daemon tasks after delete", n)
	}
}
