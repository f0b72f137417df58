package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// registerExternal registers a machine as an ECS Anywhere agent does: no identity
// document, the external capability, its own resources.
func (e *env) registerExternal(t testing.TB, cluster string) types.ContainerInstance {
	t.Helper()
	out, err := e.ecs.RegisterContainerInstance(ctx(t), &sdkecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster),
		Attributes: []types.Attribute{{Name: aws.String("ecs.capability.external")},
			{Name: aws.String("ecs.cpu-architecture"), Value: aws.String("arm64")},
			{Name: aws.String("site"), Value: aws.String("shop-3")}},
		TotalResources: []types.Resource{{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: 4096},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: 7800}},
	})
	if err != nil {
		t.Fatalf("RegisterContainerInstance: %v", err)
	}
	return *out.ContainerInstance
}

// externalTaskDef is a bridge-mode definition that requires EXTERNAL.
func (e *env) externalTaskDef(t testing.TB, family string) {
	t.Helper()
	in := minimalTaskDef(family)
	in.RequiresCompatibilities = []types.Compatibility{types.CompatibilityExternal}
	in.NetworkMode = types.NetworkModeBridge
	in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), in))
}

func attr(ci types.ContainerInstance, name string) (string, bool) {
	for _, a := range ci.Attributes {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value), true
		}
	}
	return "", false
}

func TestExternalRegistration(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "edge")
	ci := e.registerExternal(t, "edge")
	if !strings.HasPrefix(aws.ToString(ci.Ec2InstanceId), "mi-") || len(aws.ToString(ci.Ec2InstanceId)) != 20 {
		t.Errorf("ec2InstanceId = %q, want mi- and 17 hex digits", aws.ToString(ci.Ec2InstanceId))
	}
	// The agent fails unless every attribute it sent comes back.
	for name, want := range map[string]string{"ecs.capability.external": "", "ecs.cpu-architecture": "arm64", "site": "shop-3", "ecs.os-type": "linux"} {
		if got, ok := attr(ci, name); !ok || got != want {
			t.Errorf("attribute %s = %q (%v), want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"ecs.instance-type", "ecs.availability-zone", "ecs.ami-id", "ecs.capability.task-eni"} {
		if _, ok := attr(ci, name); ok {
			t.Errorf("external instance has EC2 attribute %s", name)
		}
	}
	if got := resource(ci, false, "CPU"); got != 4096 {
		t.Errorf("registered CPU = %d, want 4096", got)
	}
	if !ci.AgentConnected || aws.ToString(ci.Status) != "ACTIVE" {
		t.Errorf("agentConnected %v status %s", ci.AgentConnected, aws.ToString(ci.Status))
	}
	// Describing by the mi- ID is not ECS's (it takes container instance IDs); the ARN works.
	got := e.describeInstance(t, "edge", aws.ToString(ci.ContainerInstanceArn))
	if aws.ToString(got.Ec2InstanceId) != aws.ToString(ci.Ec2InstanceId) {
		t.Errorf("described %s", aws.ToString(got.Ec2InstanceId))
	}
}

func TestAgentSideOperations(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "edge")
	ci := e.registerExternal(t, "edge")
	ciArn := aws.ToString(ci.ContainerInstanceArn)

	poll := must[*sdkecs.DiscoverPollEndpointOutput](t)(e.ecs.DiscoverPollEndpoint(ctx(t), &sdkecs.DiscoverPollEndpointInput{
		Cluster: aws.String("edge"), ContainerInstance: aws.String(ciArn)}))
	want := e.srv.URL + "/"
	if aws.ToString(poll.Endpoint) != want || aws.ToString(poll.TelemetryEndpoint) != want || aws.ToString(poll.ServiceConnectEndpoint) != want {
		t.Errorf("DiscoverPollEndpoint = %s %s %s, want %s", aws.ToString(poll.Endpoint), aws.ToString(poll.TelemetryEndpoint), aws.ToString(poll.ServiceConnectEndpoint), want)
	}

	if bare := must[*sdkecs.DiscoverPollEndpointOutput](t)(e.ecs.DiscoverPollEndpoint(ctx(t), &sdkecs.DiscoverPollEndpointInput{})); aws.ToString(bare.Endpoint) != want {
		t.Errorf("DiscoverPollEndpoint naming nothing = %s", aws.ToString(bare.Endpoint))
	}

	e.externalTaskDef(t, "web")
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("edge"),
		TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeExternal}))
	if len(run.Tasks) != 1 || len(run.Failures) != 0 {
		t.Fatalf("RunTask: %+v", run)
	}
	task := run.Tasks[0]
	if aws.ToString(task.ContainerInstanceArn) != ciArn || task.LaunchType != types.LaunchTypeExternal {
		t.Fatalf("task on %s launch %s", aws.ToString(task.ContainerInstanceArn), task.LaunchType)
	}
	e.settle(t)
	if got := e.describeTask(t, "edge", aws.ToString(task.TaskArn)); aws.ToString(got.LastStatus) != "PROVISIONING" {
		t.Fatalf("a remote instance's task moved without its agent: %s", aws.ToString(got.LastStatus))
	}

	submit := func(in *sdkecs.SubmitTaskStateChangeInput) {
		t.Helper()
		in.Cluster, in.Task = aws.String("edge"), task.TaskArn
		out := must[*sdkecs.SubmitTaskStateChangeOutput](t)(e.ecs.SubmitTaskStateChange(ctx(t), in))
		if aws.ToString(out.Acknowledgment) != "ACK" {
			t.Errorf("acknowledgment %q", aws.ToString(out.Acknowledgment))
		}
	}
	pull := testStart.Add(time.Second)
	submit(&sdkecs.SubmitTaskStateChangeInput{Status: aws.String("PENDING"), PullStartedAt: &pull})
	submit(&sdkecs.SubmitTaskStateChangeInput{Status: aws.String("RUNNING"), Containers: []types.ContainerStateChange{{
		ContainerName: aws.String("app"), Status: aws.String("RUNNING"), RuntimeId: aws.String("c0ffee"),
		NetworkBindings: []types.NetworkBinding{{BindIP: aws.String("0.0.0.0"), ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080), Protocol: types.TransportProtocolTcp}},
	}}})
	got := e.describeTask(t, "edge", aws.ToString(task.TaskArn))
	c := got.Containers[0]
	if aws.ToString(got.LastStatus) != "RUNNING" || got.StartedAt == nil || got.PullStartedAt == nil ||
		aws.ToString(c.RuntimeId) != "c0ffee" || aws.ToString(c.LastStatus) != "RUNNING" || len(c.NetworkBindings) != 1 {
		t.Fatalf("after RUNNING report: %s started %v pull %v container %+v", aws.ToString(got.LastStatus), got.StartedAt, got.PullStartedAt, c)
	}

	out := must[*sdkecs.SubmitContainerStateChangeOutput](t)(e.ecs.SubmitContainerStateChange(ctx(t), &sdkecs.SubmitContainerStateChangeInput{
		Cluster: aws.String("edge"), Task: task.TaskArn, ContainerName: aws.String("app"), Status: aws.String("STOPPED"), ExitCode: aws.Int32(3)}))
	if aws.ToString(out.Acknowledgment) != "ACK" {
		t.Errorf("container acknowledgment %q", aws.ToString(out.Acknowledgment))
	}
	submit(&sdkecs.SubmitTaskStateChangeInput{Status: aws.String("STOPPED"), Reason: aws.String("Essential container in task exited")})
	submit(&sdkecs.SubmitTaskStateChangeInput{Status: aws.String("RUNNING")}) // late: acknowledged, ignored
	got = e.describeTask(t, "edge", aws.ToString(task.TaskArn))
	c = got.Containers[0]
	if aws.ToString(got.LastStatus) != "STOPPED" || aws.ToString(got.DesiredStatus) != "STOPPED" || got.StopCode != types.TaskStopCodeEssentialContainerExited ||
		aws.ToString(got.StoppedReason) != "Essential container in task exited" || aws.ToInt32(c.ExitCode) != 3 || aws.ToString(c.LastStatus) != "STOPPED" {
		t.Fatalf("after STOPPED report: %s/%s %s %q container %s exit %v", aws.ToString(got.LastStatus), aws.ToString(got.DesiredStatus),
			got.StopCode, aws.ToString(got.StoppedReason), aws.ToString(c.LastStatus), c.ExitCode)
	}

	ec2 := e.registerInstance(t, "edge", "i-0123456789abcdef0", "m5.large", "us-east-1a")
	bad := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"bad task status", func() error {
			_, err := e.ecs.SubmitTaskStateChange(ctx(t), &sdkecs.SubmitTaskStateChangeInput{Cluster: aws.String("edge"), Task: task.TaskArn, Status: aws.String("DANCING")})
			return err
		}, "InvalidParameterException", "Invalid task status"},
		{"unknown task", func() error {
			_, err := e.ecs.SubmitTaskStateChange(ctx(t), &sdkecs.SubmitTaskStateChangeInput{Cluster: aws.String("edge"), Task: aws.String("0123456789abcdef0123456789abcdef"), Status: aws.String("RUNNING")})
			return err
		}, "InvalidParameterException", "The referenced task was not found."},
		{"unknown container", func() error {
			_, err := e.ecs.SubmitContainerStateChange(ctx(t), &sdkecs.SubmitContainerStateChangeInput{Cluster: aws.String("edge"), Task: task.TaskArn, ContainerName: aws.String("nope"), Status: aws.String("RUNNING")})
			return err
		}, "InvalidParameterException", "no container named nope"},
		{"unknown attachment", func() error {
			_, err := e.ecs.SubmitAttachmentStateChanges(ctx(t), &sdkecs.SubmitAttachmentStateChangesInput{Cluster: aws.String("edge"),
				Attachments: []types.AttachmentStateChange{{AttachmentArn: aws.String(arn("attachment/0000")), Status: aws.String("ATTACHED")}}})
			return err
		}, "InvalidParameterException", "attachment 0000 was not found"},
		{"poll endpoint of a missing cluster", func() error {
			_, err := e.ecs.DiscoverPollEndpoint(ctx(t), &sdkecs.DiscoverPollEndpointInput{Cluster: aws.String("nope")})
			return err
		}, "ClusterNotFoundException", ""},
		{"agent update of an external instance", func() error {
			_, err := e.ecs.UpdateContainerAgent(ctx(t), &sdkecs.UpdateContainerAgentInput{Cluster: aws.String("edge"), ContainerInstance: aws.String(ciArn)})
			return err
		}, "InvalidParameterException", "not supported for external container instances"},
		{"agent update of a current EC2 instance", func() error {
			_, err := e.ecs.UpdateContainerAgent(ctx(t), &sdkecs.UpdateContainerAgentInput{Cluster: aws.String("edge"), ContainerInstance: ec2.ContainerInstanceArn})
			return err
		}, "NoUpdateAvailableException", "There is no update available"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), tc.code, tc.msg) })
	}
}

func TestExternalLaunchRules(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "edge")
	ext := must[*ecs.ContainerInstance](t)(e.emu.AddInstance(ctx(t), emulator.AddInstanceRequest{Cluster: "edge", External: true}))
	e.externalTaskDef(t, "web")
	awsvpc := minimalTaskDef("vpc")
	awsvpc.NetworkMode = types.NetworkModeAwsvpc
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), awsvpc))
	plain := minimalTaskDef("plain")
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), plain))

	// EXTERNAL tasks go on the external instance; EC2 tasks never do.
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("edge"), TaskDefinition: aws.String("plain"), LaunchType: types.LaunchTypeExternal}))
	if len(run.Tasks) != 1 || aws.ToString(run.Tasks[0].ContainerInstanceArn) != ext.ContainerInstanceArn {
		t.Fatalf("EXTERNAL RunTask: %+v", run)
	}
	_, err := e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("edge"), TaskDefinition: aws.String("plain"), LaunchType: types.LaunchTypeEc2})
	assertAPIError(t, err, "InvalidParameterException", "No Container Instances were found in your cluster.")

	svc := func(mut func(*sdkecs.CreateServiceInput)) error {
		in := &sdkecs.CreateServiceInput{Cluster: aws.String("edge"), ServiceName: aws.String("s"), TaskDefinition: aws.String("web"),
			DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeExternal}
		mut(in)
		_, err := e.ecs.CreateService(ctx(t), in)
		return err
	}
	cases := []struct {
		name string
		call func() error
		msg  string
	}{
		{"awsvpc task", func() error {
			_, err := e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("edge"), TaskDefinition: aws.String("vpc"), LaunchType: types.LaunchTypeExternal,
				NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
			return err
		}, "Task definition does not support launch_type EXTERNAL."},
		{"load balancer", func() error {
			return svc(func(in *sdkecs.CreateServiceInput) {
				in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/t/1"), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}
			})
		}, "Load balancers are not supported for services with the EXTERNAL launch type."},
		{"service discovery", func() error {
			return svc(func(in *sdkecs.CreateServiceInput) {
				in.ServiceRegistries = []types.ServiceRegistry{{RegistryArn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1")}}
			})
		}, "Service discovery is not supported"},
		{"service connect", func() error {
			return svc(func(in *sdkecs.CreateServiceInput) {
				in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("shop")}
			})
		}, "Service Connect is not supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), "InvalidParameterException", tc.msg) })
	}
}

func TestRemoteAgentDisconnectAndReconcile(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "edge")
	a := aws.ToString(e.registerExternal(t, "edge").ContainerInstanceArn)
	e.externalTaskDef(t, "web")
	must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("edge"),
		ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeExternal}))
	e.settle(t)
	work, _, err := e.emu.AgentPoll(ctx(t), "edge", a)
	if err != nil || len(work.Tasks) != 1 {
		t.Fatalf("AgentPoll: %v %+v", err, work)
	}
	first := work.Tasks[0].Task.TaskArn

	// A second machine joins and keeps polling; the first goes silent.
	b := aws.ToString(e.registerExternal(t, "edge").ContainerInstanceArn)
	heartbeat := func() {
		t.Helper()
		if _, _, err := e.emu.AgentPoll(ctx(t), "edge", b); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		heartbeat()
		e.advance(t, 31*time.Second)
	}
	if ci := e.describeInstance(t, "edge", a); ci.AgentConnected {
		t.Fatal("silent agent still connected after 62s")
	}
	if ci := e.describeInstance(t, "edge", b); !ci.AgentConnected {
		t.Fatal("polling agent shows disconnected")
	}
	if got := e.describeTask(t, "edge", first); aws.ToString(got.LastStatus) == "STOPPED" {
		t.Fatal("task replaced before the grace")
	}
	for range 10 {
		heartbeat()
		e.advance(t, 30*time.Second)
	}
	got := e.describeTask(t, "edge", first)
	if aws.ToString(got.LastStatus) != "STOPPED" || got.StopCode != types.TaskStopCodeServiceSchedulerInitiated || !strings.Contains(aws.ToString(got.StoppedReason), "disconnected") {
		t.Fatalf("task on the disconnected instance: %s %s %q", aws.ToString(got.LastStatus), got.StopCode, aws.ToString(got.StoppedReason))
	}
	workB, _, err := e.emu.AgentPoll(ctx(t), "edge", b)
	if err != nil || len(workB.Tasks) != 1 {
		t.Fatalf("replacement not placed on the connected instance: %v %+v", err, workB)
	}

	// The first agent comes back: connected again, and its work no longer has the task
	// that was replaced (so it stops its containers); its late reports are ignored.
	workA, _, err := e.emu.AgentPoll(ctx(t), "edge", a)
	if err != nil || len(workA.Tasks) != 0 {
		t.Fatalf("returning agent's work: %v %+v", err, workA)
	}
	if ci := e.describeInstance(t, "edge", a); !ci.AgentConnected {
		t.Fatal("returning agent not connected again")
	}
	must[*sdkecs.SubmitTaskStateChangeOutput](t)(e.ecs.SubmitTaskStateChange(ctx(t), &sdkecs.SubmitTaskStateChangeInput{Cluster: aws.String("edge"), Task: aws.String(first), Status: aws.String("RUNNING")}))
	if got := e.describeTask(t, "edge", first); aws.ToString(got.LastStatus) != "STOPPED" {
		t.Fatalf("late report revived a replaced task: %s", aws.ToString(got.LastStatus))
	}
}

func (e *env) describeTask(t testing.TB, cluster, task string) types.Task {
	t.Helper()
	out, err := e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{task}})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks %s: %v %+v", task, err, out)
	}
	return out.Tasks[0]
}

// TestExternalTasksWithoutExternalInstances: until a cluster has an external instance,
// its EXTERNAL tasks run on this machine (on no instance), as its EC2 tasks do before
// it has instances.
func TestExternalTasksWithoutExternalInstances(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "lap")
	e.externalTaskDef(t, "web")
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("lap"), TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeExternal}))
	if len(run.Tasks) != 1 || run.Tasks[0].ContainerInstanceArn != nil {
		t.Fatalf("EXTERNAL RunTask without external instances: %+v", run)
	}
}

// A DAEMON service of launch type EXTERNAL runs one task on each external instance and
// none on EC2 instances; an EC2 daemon the other way round.
func TestExternalDaemon(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "edge")
	for range 2 {
		must[*ecs.ContainerInstance](t)(e.emu.AddInstance(ctx(t), emulator.AddInstanceRequest{Cluster: "edge", External: true}))
	}
	must[*ecs.ContainerInstance](t)(e.emu.AddInstance(ctx(t), emulator.AddInstanceRequest{Cluster: "edge"}))
	in := minimalTaskDef("d")
	in.NetworkMode = types.NetworkModeBridge
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), in))
	for name, launch := range map[string]types.LaunchType{"ext": types.LaunchTypeExternal, "ec2": types.LaunchTypeEc2} {
		must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("edge"), ServiceName: aws.String(name),
			TaskDefinition: aws.String("d"), SchedulingStrategy: types.SchedulingStrategyDaemon, LaunchType: launch}))
	}
	e.settle(t)
	out := must[*sdkecs.DescribeServicesOutput](t)(e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("edge"), Services: []string{"ext", "ec2"}}))
	for _, s := range out.Services {
		want := map[string]int32{"ext": 2, "ec2": 1}[aws.ToString(s.ServiceName)]
		tasks := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("edge"), ServiceName: s.ServiceName}))
		if s.DesiredCount != want || len(tasks.TaskArns) != int(want) {
			t.Errorf("daemon %s: desired %d, %d tasks, want %d", aws.ToString(s.ServiceName), s.DesiredCount, len(tasks.TaskArns), want)
		}
	}
}
