package httpapi_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/fargate"
)

// The task API: validation, clusters, capacity providers, listing and idempotency.

func TestRunTaskValidation(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "work")
	ec2 := e.register(t, "ec2only")
	fg := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("fg", cdef("app", 0, nil)))).TaskDefinition
	e.register(t, "old")
	e.register(t, "old")
	e.deregister(t, "old:1")

	ec2ARN, fgARN := aws.ToString(ec2.TaskDefinitionArn), aws.ToString(fg.TaskDefinitionArn)
	for _, tc := range []struct {
		name      string
		in        sdkecs.RunTaskInput
		code, msg string
	}{
		{"count 0", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, Count: aws.Int32(0)},
			"InvalidParameterException", "count must be between 1 and 10"},
		{"count 11", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, Count: aws.Int32(11)},
			"InvalidParameterException", "count must be between 1 and 10"},
		{"launch type and strategy", sdkecs.RunTaskInput{TaskDefinition: &fgARN, LaunchType: types.LaunchTypeFargate,
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 0)}, NetworkConfiguration: awsvpcConfig("subnet-1")},
			"InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported"},
		{"awsvpc without network configuration", sdkecs.RunTaskInput{TaskDefinition: &fgARN, LaunchType: types.LaunchTypeFargate},
			"InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"awsvpc without subnets", sdkecs.RunTaskInput{TaskDefinition: &fgARN, LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{}}}},
			"InvalidParameterException", "subnets can not be empty."},
		{"network configuration on bridge", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, NetworkConfiguration: awsvpcConfig("subnet-1")},
			"InvalidParameterException", "Network Configuration is not valid for the given networkMode"},
		{"EC2-only definition on Fargate", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, LaunchType: types.LaunchTypeFargate},
			"InvalidParameterException", "Task definition does not support launch_type FARGATE."},
		{"platform version on EC2", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, PlatformVersion: aws.String("1.4.0")},
			"InvalidParameterException", "The platform version must be null when specifying an EC2 launch type."},
		{"unknown platform version", sdkecs.RunTaskInput{TaskDefinition: &fgARN, LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: awsvpcConfig("subnet-1"), PlatformVersion: aws.String("9.9.9")},
			"PlatformUnknownException", "The specified platform version does not exist."},
		{"unknown cluster", sdkecs.RunTaskInput{TaskDefinition: &ec2ARN, Cluster: aws.String("nowhere")},
			"ClusterNotFoundException", "Cluster not found."},
		{"unknown task definition", sdkecs.RunTaskInput{TaskDefinition: aws.String("ghost")},
			"ClientException", "Unable to describe task definition."},
		{"unknown revision", sdkecs.RunTaskInput{TaskDefinition: aws.String("ec2only:7")},
			"ClientException", "Unable to describe task definition."},
		{"INACTIVE revision", sdkecs.RunTaskInput{TaskDefinition: aws.String("old:1")},
			"ClientException", "TaskDefinition is inactive"},
		{"strategy provider not on cluster", sdkecs.RunTaskInput{TaskDefinition: &fgARN, Cluster: aws.String("work"),
			CapacityProviderStrategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 0)}, NetworkConfiguration: awsvpcConfig("subnet-1")},
			"InvalidParameterException", "capacity provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := e.ecs.RunTask(ctx(t), &in)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
	// Nothing was recorded by the failed calls.
	for _, cluster := range []string{"work", "default"} {
		out, err := e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String(cluster)})
		if err == nil && len(out.TaskArns) > 0 {
			t.Errorf("failed RunTasks left tasks in %s: %v", cluster, out.TaskArns)
		}
	}
	// The family of an INACTIVE revision still runs its latest ACTIVE one.
	out := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("old")}))
	if got := aws.ToString(out.Tasks[0].TaskDefinitionArn); got != arn("task-definition/old:2") {
		t.Errorf("family resolved to %s", got)
	}
}

func TestDescribeAndStopTaskErrors(t *testing.T) {
	e := newEnv(t)
	e.register(t, "web")
	tk := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web")})).Tasks[0]
	known := aws.ToString(tk.TaskArn)
	knownID := known[strings.LastIndexByte(known, '/')+1:]
	const ghostID = "0123456789abcdef0123456789abcdef"

	_, err := e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: []string{}})
	assertAPIError(t, err, "InvalidParameterException", "Tasks cannot be empty.")
	_, err = e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: make([]string, 101)})
	assertAPIError(t, err, "InvalidParameterException", "at most 100")
	_, err = e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("nowhere"), Tasks: []string{known}})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")

	out := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{
		Tasks: []string{knownID, ghostID, arn("task/default/" + ghostID + "0")}}))
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].TaskArn) != known {
		t.Errorf("tasks %+v, want the one known by its ID", out.Tasks)
	}
	wantFailures := []string{arn("task/default/"+ghostID) + " MISSING", arn("task/default/"+ghostID+"0") + " MISSING"}
	var failures []string
	for _, f := range out.Failures {
		failures = append(failures, aws.ToString(f.Arn)+" "+aws.ToString(f.Reason))
	}
	assertSameList(t, failures, wantFailures)

	_, err = e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(ghostID)})
	assertAPIError(t, err, "InvalidParameterException", "The referenced task was not found.")
	_, err = e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(known), Cluster: aws.String("nowhere")})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	e.createCluster(t, "other")
	_, err = e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(known), Cluster: aws.String("other")})
	assertAPIError(t, err, "InvalidParameterException", "different cluster")
}

func TestDescribeTasksIncludeTags(t *testing.T) {
	e := newEnv(t)
	e.register(t, "web")
	tk := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web"),
		Tags: []types.Tag{tag("team", "core")}})).Tasks[0]
	plain := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: []string{aws.ToString(tk.TaskArn)}}))
	if len(plain.Tasks[0].Tags) != 0 {
		t.Errorf("tags without include: %v", plain.Tasks[0].Tags)
	}
	tagged := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: []string{aws.ToString(tk.TaskArn)},
		Include: []types.TaskField{types.TaskFieldTags}}))
	if got := tagMap(tagged.Tasks[0].Tags); got["team"] != "core" || len(got) != 1 {
		t.Errorf("tags %v", got)
	}
}

func TestDefaultClusterAndTaskCounts(t *testing.T) {
	e := newTaskEnv(t)
	before := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{}))
	if len(before.Clusters) != 0 || len(before.Failures) != 1 {
		t.Fatalf("default cluster exists before the first RunTask: %+v", before)
	}
	// The start delay holds the task in PENDING until the clock moves.
	tk := e.runOne(t, "", ec2Def("web", cdef("app", 128, map[string]string{"start-delay": "10s"})))
	taskARN := aws.ToString(tk.TaskArn)
	if aws.ToString(tk.ClusterArn) != arn("cluster/default") || clusterOf(taskARN) != "default" {
		t.Fatalf("task in %s (%s), want the default cluster", aws.ToString(tk.ClusterArn), taskARN)
	}
	arn := taskARN

	counts := func() (running, pending int32, stats map[string]string) {
		out := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{
			Include: []types.ClusterField{types.ClusterFieldStatistics}}))
		if len(out.Clusters) != 1 {
			t.Fatalf("DescribeClusters: %+v", out)
		}
		c := out.Clusters[0]
		stats = map[string]string{}
		for _, kv := range c.Statistics {
			stats[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
		}
		return c.RunningTasksCount, c.PendingTasksCount, stats
	}
	e.status(t, arn, "PENDING")
	running, pending, stats := counts()
	if running != 0 || pending != 1 || stats["pendingEC2TasksCount"] != "1" || stats["runningEC2TasksCount"] != "0" {
		t.Errorf("PENDING task counted as running %d pending %d, statistics %v", running, pending, stats)
	}
	_, err := e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("default")})
	assertAPIError(t, err, "ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")

	// The task is PENDING before the runtime is asked to start its container; only then
	// is the start delay on the clock. Advance once it is, or the delay would start after.
	e.settle(t)
	if e.clock.Pending() == 0 {
		t.Fatal("the start delay never reached the clock")
	}
	e.clock.Advance(10 * time.Second)
	e.status(t, arn, "RUNNING")
	running, pending, stats = counts()
	if running != 1 || pending != 0 || stats["runningEC2TasksCount"] != "1" || stats["pendingEC2TasksCount"] != "0" || stats["runningFargateTasksCount"] != "0" {
		t.Errorf("RUNNING task counted as running %d pending %d, statistics %v", running, pending, stats)
	}
	_, err = e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("default")})
	assertAPIError(t, err, "ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")

	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn)}))
	e.status(t, arn, "STOPPED")
	running, pending, _ = counts()
	if running != 0 || pending != 0 {
		t.Errorf("STOPPED task counted as running %d pending %d", running, pending)
	}
	del := must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("default")}))
	if aws.ToString(del.Cluster.Status) != "INACTIVE" {
		t.Errorf("deleted cluster %q", aws.ToString(del.Cluster.Status))
	}
}

func TestRunTaskCapacityProviderSplit(t *testing.T) {
	e := newEnv(t)
	strategy := []types.CapacityProviderStrategyItem{item("FARGATE", 1, 1), item("FARGATE_SPOT", 3, 0)}
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("cp"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: strategy}))
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("fg", cdef("app", 0, nil)))).TaskDefinition

	want, err := fargate.Split([]ecs.CapacityProviderStrategyItem{
		{CapacityProvider: "FARGATE", Weight: 1, Base: 1}, {CapacityProvider: "FARGATE_SPOT", Weight: 3}}, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		strategy []types.CapacityProviderStrategyItem
		want     []string
	}{
		{"cluster default", nil, want},
		{"request strategy", []types.CapacityProviderStrategyItem{item("FARGATE_SPOT", 1, 0)}, []string{"FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("cp"),
				TaskDefinition: td.TaskDefinitionArn, Count: aws.Int32(4), CapacityProviderStrategy: tc.strategy,
				NetworkConfiguration: awsvpcConfig("subnet-1")}))
			var got []string
			for _, tk := range out.Tasks {
				got = append(got, aws.ToString(tk.CapacityProviderName))
				if tk.LaunchType != types.LaunchTypeFargate {
					t.Errorf("launchType %q, want FARGATE", tk.LaunchType)
				}
			}
			assertSameList(t, got, tc.want)
			// DescribeTasks shows the same providers.
			arns := make([]string, len(out.Tasks))
			for i, tk := range out.Tasks {
				arns[i] = aws.ToString(tk.TaskArn)
			}
			desc := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String("cp"), Tasks: arns}))
			got = got[:0]
			for _, tk := range desc.Tasks {
				got = append(got, aws.ToString(tk.CapacityProviderName))
			}
			assertSameList(t, got, tc.want)
		})
	}
	if slices.Equal(want, []string{"FARGATE", "FARGATE", "FARGATE", "FARGATE"}) {
		t.Errorf("fargate.Split put no task on FARGATE_SPOT: %v", want)
	}
}

func TestListTasksFilters(t *testing.T) {
	e := newTaskEnv(t)
	e.createCluster(t, "list")
	alpha := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), ec2Def("alpha", cdef("app", 64, nil)))).TaskDefinition
	beta := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("beta", cdef("app", 0, nil)))).TaskDefinition
	var alphas, betas []string
	for _, tk := range e.run(t, &sdkecs.RunTaskInput{Cluster: aws.String("list"), TaskDefinition: alpha.TaskDefinitionArn, Count: aws.Int32(3), StartedBy: aws.String("ci")}) {
		alphas = append(alphas, aws.ToString(tk.TaskArn))
	}
	for _, tk := range e.run(t, &sdkecs.RunTaskInput{Cluster: aws.String("list"), TaskDefinition: beta.TaskDefinitionArn, Count: aws.Int32(2),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpcConfig("subnet-1")}) {
		betas = append(betas, aws.ToString(tk.TaskArn))
	}
	for _, a := range append(slices.Clone(alphas), betas...) {
		e.status(t, a, "RUNNING")
	}
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("list"), Task: aws.String(alphas[0])}))
	e.status(t, alphas[0], "STOPPED")
	running := sorted(append(slices.Clone(alphas[1:]), betas...))

	list := func(in sdkecs.ListTasksInput) []string {
		in.Cluster = aws.String("list")
		out := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &in))
		return sorted(out.TaskArns)
	}
	for _, tc := range []struct {
		name string
		in   sdkecs.ListTasksInput
		want []string
	}{
		{"default lists desired RUNNING", sdkecs.ListTasksInput{}, running},
		{"desired RUNNING", sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusRunning}, running},
		{"desired STOPPED", sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped}, alphas[:1]},
		{"desired PENDING lists nothing", sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusPending}, nil},
		{"family", sdkecs.ListTasksInput{Family: aws.String("alpha")}, sorted(alphas[1:])},
		{"family and STOPPED", sdkecs.ListTasksInput{Family: aws.String("beta"), DesiredStatus: types.DesiredStatusStopped}, nil},
		{"family prefix is not a family", sdkecs.ListTasksInput{Family: aws.String("alp")}, nil},
		{"startedBy", sdkecs.ListTasksInput{StartedBy: aws.String("ci")}, sorted(alphas[1:])},
		{"launchType FARGATE", sdkecs.ListTasksInput{LaunchType: types.LaunchTypeFargate}, sorted(betas)},
		{"launchType EC2", sdkecs.ListTasksInput{LaunchType: types.LaunchTypeEc2}, sorted(alphas[1:])},
	} {
		t.Run(tc.name, func(t *testing.T) { assertSameList(t, list(tc.in), tc.want) })
	}

	all := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("list")})).TaskArns
	paged, pages := collectPages(t, 10, func(token *string) ([]string, *string, error) {
		out, err := e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("list"), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.TaskArns, out.NextToken, nil
	})
	assertSameList(t, paged, all)
	if pages != len(running) {
		t.Errorf("%d pages of 1 for %d tasks", pages, len(running))
	}
	_, err := e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("list"), MaxResults: aws.Int32(101)})
	assertAPIError(t, err, "InvalidParameterException", "")
	_, err = e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("nowhere")})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	_, err = e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String("list"), Family: aws.String("alpha"), ServiceName: aws.String("svc")})
	assertAPIError(t, err, "InvalidParameterException", "cannot be specified together")
}

// ECS never sets a task's desired status to PENDING, so filtering on it lists nothing,
// even while tasks are PROVISIONING or PENDING (API reference, ListTasks desiredStatus).
func TestListTasksDesiredPendingListsNothing(t *testing.T) {
	e := newEnv(t) // no agent: the task stays PROVISIONING
	e.register(t, "web")
	must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web")}))
	out := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusPending}))
	assertSameList(t, out.TaskArns, nil)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestRunTaskClientToken(t *testing.T) {
	e := newEnv(t)
	e.register(t, "web")
	first := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web"),
		Count: aws.Int32(2), ClientToken: aws.String("token-1")}))
	again := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web"),
		Count: aws.Int32(2), ClientToken: aws.String("token-1")}))
	arns := func(out *sdkecs.RunTaskOutput) []string {
		var s []string
		for _, tk := range out.Tasks {
			s = append(s, aws.ToString(tk.TaskArn))
		}
		return sorted(s)
	}
	assertSameList(t, arns(again), arns(first))
	other := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("web"),
		ClientToken: aws.String("token-2")}))
	if len(other.Tasks) != 1 || slices.Contains(arns(first), aws.ToString(other.Tasks[0].TaskArn)) {
		t.Errorf("another token gave %v", arns(other))
	}
	listed := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{}))
	if len(listed.TaskArns) != 3 {
		t.Errorf("%d tasks after two calls with one token and one with another, want 3", len(listed.TaskArns))
	}
}

func TestStoppedTasksExpireAfterAnHour(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runOne(t, "", ec2Def("web", cdef("app", 64, map[string]string{"exit-after": "1s"})))
	live := e.runOne(t, "", ec2Def("web", cdef("app", 64, nil)))
	arn := aws.ToString(tk.TaskArn)
	e.status(t, arn, "RUNNING")
	e.clock.Advance(time.Second)
	e.status(t, arn, "STOPPED")

	e.clock.Advance(59 * time.Minute)
	e.stillAfter(t, arn, "listed 59 minutes after it stopped", func(*types.Task) bool { return true })
	listed := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped}))
	assertSameList(t, listed.TaskArns, []string{arn})

	e.advance(t, time.Minute)
	out := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: []string{arn, aws.ToString(live.TaskArn)}}))
	if len(out.Failures) != 1 || aws.ToString(out.Failures[0].Arn) != arn || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Fatalf("STOPPED task still described an hour later: %+v %+v", out.Tasks, out.Failures)
	}
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].TaskArn) != aws.ToString(live.TaskArn) {
		t.Errorf("the running task went too: %+v", out.Tasks)
	}
	listed = must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped}))
	if len(listed.TaskArns) != 0 {
		t.Errorf("expired task still listed: %v", listed.TaskArns)
	}
}

// propagateTags TASK_DEFINITION copies the task definition's tags to the task and
// enableECSManagedTags adds aws:ecs:clusterName, as ECS does; the request's own tags win.
func TestRunTaskTagPropagation(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), &sdkecs.RegisterTaskDefinitionInput{
		Family: aws.String("tagged"), Tags: []types.Tag{tag("owner", "td"), tag("tier", "web")},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(64)}},
	}))
	for _, tc := range []struct {
		name string
		in   sdkecs.RunTaskInput
		want map[string]string
	}{
		{"none", sdkecs.RunTaskInput{Tags: []types.Tag{tag("owner", "me")}}, map[string]string{"owner": "me"}},
		{"from the task definition", sdkecs.RunTaskInput{PropagateTags: types.PropagateTagsTaskDefinition, Tags: []types.Tag{tag("owner", "me")}},
			map[string]string{"owner": "me", "tier": "web"}},
		{"managed", sdkecs.RunTaskInput{EnableECSManagedTags: true}, map[string]string{"aws:ecs:clusterName": "default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.TaskDefinition = aws.String("tagged")
			tk := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &in)).Tasks[0]
			out := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: []string{aws.ToString(tk.TaskArn)},
				Include: []types.TaskField{types.TaskFieldTags}}))
			if got := tagMap(out.Tasks[0].Tags); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tags %v, want %v", got, tc.want)
			}
		})
	}
}

// A static host port can be held by one task at a time: while the laptop is the only
// host, a second bridge task that needs it fails placement as ECS reports it, with a
// RESOURCE:PORTS failure and no task; once the first stops, the port is free again.
func TestStaticHostPortPlacement(t *testing.T) {
	e := newTaskEnv(t)
	cd := cdef("web", 64, nil)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
	first := e.runOne(t, "", ec2Def("static", cd))
	out := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("static"), Count: aws.Int32(2)}))
	if len(out.Tasks) != 0 || len(out.Failures) != 2 || aws.ToString(out.Failures[0].Reason) != "RESOURCE:PORTS" {
		t.Fatalf("second placement: %d tasks, failures %+v", len(out.Tasks), out.Failures)
	}
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: first.TaskArn}))
	e.eventually(t, aws.ToString(first.TaskArn), "STOPPED", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
	out = must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("static"), Count: aws.Int32(2)}))
	if len(out.Tasks) != 1 || len(out.Failures) != 1 {
		t.Fatalf("after the first stopped: %d tasks, failures %+v (want one placed, one RESOURCE:PORTS)", len(out.Tasks), out.Failures)
	}
}

// Fargate tasks report their ephemeral storage: 20 GiB by default, the task definition's,
// or a RunTask override (21-200 GiB).
func TestRunTaskEphemeralStorage(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("disk", cdef("app", 64, nil))))
	run := func(o *types.TaskOverride) (*sdkecs.RunTaskOutput, error) {
		return e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: aws.String("disk"), LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: awsvpcConfig("subnet-1"), Overrides: o})
	}
	out := must[*sdkecs.RunTaskOutput](t)(run(nil))
	if got := out.Tasks[0].EphemeralStorage; got == nil || got.SizeInGiB != 20 {
		t.Errorf("default ephemeral storage %+v, want 20 GiB", got)
	}
	out = must[*sdkecs.RunTaskOutput](t)(run(&types.TaskOverride{EphemeralStorage: &types.EphemeralStorage{SizeInGiB: 50}}))
	if got := out.Tasks[0].EphemeralStorage; got == nil || got.SizeInGiB != 50 {
		t.Errorf("overridden ephemeral storage %+v, want 50 GiB", got)
	}
	_, err := run(&types.TaskOverride{EphemeralStorage: &types.EphemeralStorage{SizeInGiB: 500}})
	assertAPIError(t, err, "InvalidParameterException", "ephemeralStorage")
}
