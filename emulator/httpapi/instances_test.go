package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/ec2sim"
)

// identity is an EC2 instance identity document, as the agent sends it.
func identity(t testing.TB, id, typ, az string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"instanceId": id, "instanceType": typ, "availabilityZone": az, "region": "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// registerInstance registers an instance with the cluster as its agent would.
func (e *env) registerInstance(t testing.TB, cluster, id, typ, az string) types.ContainerInstance {
	t.Helper()
	out, err := e.ecs.RegisterContainerInstance(ctx(t), &sdkecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster), InstanceIdentityDocument: aws.String(identity(t, id, typ, az))})
	if err != nil {
		t.Fatalf("RegisterContainerInstance: %v", err)
	}
	return *out.ContainerInstance
}

func resource(ci types.ContainerInstance, remaining bool, name string) int32 {
	rs := ci.RegisteredResources
	if remaining {
		rs = ci.RemainingResources
	}
	for _, r := range rs {
		if aws.ToString(r.Name) == name {
			return r.IntegerValue
		}
	}
	return -1
}

func (e *env) describeInstance(t testing.TB, cluster, arn string) types.ContainerInstance {
	t.Helper()
	out, err := e.ecs.DescribeContainerInstances(ctx(t), &sdkecs.DescribeContainerInstancesInput{
		Cluster: aws.String(cluster), ContainerInstances: []string{arn}})
	if err != nil || len(out.ContainerInstances) != 1 {
		t.Fatalf("DescribeContainerInstances %s: %v %+v", arn, err, out)
	}
	return out.ContainerInstances[0]
}

func (e *env) listInstances(t testing.TB, cluster, filter string) []string {
	t.Helper()
	in := &sdkecs.ListContainerInstancesInput{Cluster: aws.String(cluster)}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	out, err := e.ecs.ListContainerInstances(ctx(t), in)
	if err != nil {
		t.Fatalf("ListContainerInstances %q: %v", filter, err)
	}
	return out.ContainerInstanceArns
}

// memDef is an EC2 task definition reserving mem MiB and cpu units.
func memDef(family string, cpu, mem int32) *sdkecs.RegisterTaskDefinitionInput {
	cd := cdef("app", mem, nil)
	cd.Cpu = cpu
	return ec2Def(family, cd)
}

func TestContainerInstanceLifecycle(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	ci := e.registerInstance(t, "c", "i-0123456789abcdef0", "m5.large", "us-east-1b")
	it, _ := ec2sim.LookupInstanceType("m5.large")
	if aws.ToString(ci.Status) != "ACTIVE" || !ci.AgentConnected || aws.ToString(ci.Ec2InstanceId) != "i-0123456789abcdef0" {
		t.Fatalf("registered instance: %+v", ci)
	}
	if got := resource(ci, false, "CPU"); got != 2048 {
		t.Errorf("registered CPU = %d, want 2048", got)
	}
	if got := resource(ci, false, "MEMORY"); int(got) != it.RegisteredMemory() {
		t.Errorf("registered MEMORY = %d, want %d", got, it.RegisteredMemory())
	}
	attrs := map[string]string{}
	for _, a := range ci.Attributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if attrs["ecs.instance-type"] != "m5.large" || attrs["ecs.availability-zone"] != "us-east-1b" || attrs["ecs.os-type"] != "linux" {
		t.Errorf("built-in attributes: %v", attrs)
	}
	arn := aws.ToString(ci.ContainerInstanceArn)

	// The cluster query language filters the listing.
	for filter, want := range map[string]int{
		"": 1, "attribute:ecs.instance-type == m5.large": 1, "attribute:ecs.instance-type == t3.micro": 0,
		"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]": 1, "runningTasksCount == 0": 1,
	} {
		if got := e.listInstances(t, "c", filter); len(got) != want {
			t.Errorf("ListContainerInstances %q = %v, want %d", filter, got, want)
		}
	}
	_, err := e.ecs.ListContainerInstances(ctx(t), &sdkecs.ListContainerInstancesInput{Cluster: aws.String("c"), Filter: aws.String("attribute:ecs.instance-type ==")})
	assertAPIError(t, err, "InvalidParameterException", "")

	// Custom attributes: put, list, filter on, delete.
	_, err = e.ecs.PutAttributes(ctx(t), &sdkecs.PutAttributesInput{Cluster: aws.String("c"), Attributes: []types.Attribute{
		{Name: aws.String("stack"), Value: aws.String("prod"), TargetId: aws.String(arn)}}})
	if err != nil {
		t.Fatalf("PutAttributes: %v", err)
	}
	la, err := e.ecs.ListAttributes(ctx(t), &sdkecs.ListAttributesInput{Cluster: aws.String("c"), TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("stack")})
	if err != nil || len(la.Attributes) != 1 || aws.ToString(la.Attributes[0].Value) != "prod" || aws.ToString(la.Attributes[0].TargetId) != arn {
		t.Fatalf("ListAttributes: %v %+v", err, la)
	}
	if got := e.listInstances(t, "c", "attribute:stack == prod"); len(got) != 1 {
		t.Errorf("filter on a custom attribute: %v", got)
	}
	_, err = e.ecs.PutAttributes(ctx(t), &sdkecs.PutAttributesInput{Cluster: aws.String("c"), Attributes: []types.Attribute{
		{Name: aws.String("stack"), Value: aws.String("prod"), TargetId: aws.String("nope")}}})
	assertAPIError(t, err, "TargetNotFoundException", "")
	if _, err = e.ecs.DeleteAttributes(ctx(t), &sdkecs.DeleteAttributesInput{Cluster: aws.String("c"), Attributes: []types.Attribute{
		{Name: aws.String("stack"), TargetId: aws.String(arn)}}}); err != nil {
		t.Fatalf("DeleteAttributes: %v", err)
	}
	if got := e.listInstances(t, "c", "attribute:stack exists"); len(got) != 0 {
		t.Errorf("deleted attribute still matches: %v", got)
	}

	// Tasks placed on the instance take its resources.
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), memDef("web", 256, 1024)))
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(3)}))
	if len(run.Tasks) != 3 {
		t.Fatalf("RunTask: %+v", run.Failures)
	}
	for _, task := range run.Tasks {
		if aws.ToString(task.ContainerInstanceArn) != arn || aws.ToString(task.AvailabilityZone) != "us-east-1b" {
			t.Errorf("task placed on %q in %q", aws.ToString(task.ContainerInstanceArn), aws.ToString(task.AvailabilityZone))
		}
	}
	ci = e.describeInstance(t, "c", arn)
	if got, want := resource(ci, true, "MEMORY"), int32(it.RegisteredMemory()-3*1024); got != want {
		t.Errorf("remaining MEMORY = %d, want %d", got, want)
	}
	if got := resource(ci, true, "CPU"); got != 2048-3*256 {
		t.Errorf("remaining CPU = %d, want %d", got, 2048-3*256)
	}
	if ci.PendingTasksCount != 3 {
		t.Errorf("pendingTasksCount = %d, want 3", ci.PendingTasksCount)
	}
	// What no longer fits fails as ECS reports it.
	run = must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(10)}))
	if len(run.Tasks)+len(run.Failures) != 10 || len(run.Failures) == 0 || aws.ToString(run.Failures[0].Reason) != "RESOURCE:MEMORY" {
		t.Errorf("RunTask beyond capacity: %d tasks, failures %+v", len(run.Tasks), run.Failures)
	}
	cl := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"c"}}))
	if cl.Clusters[0].RegisteredContainerInstancesCount != 1 {
		t.Errorf("registeredContainerInstancesCount = %d", cl.Clusters[0].RegisteredContainerInstancesCount)
	}

	// Deregistering an instance with tasks needs force.
	_, err = e.ecs.DeregisterContainerInstance(ctx(t), &sdkecs.DeregisterContainerInstanceInput{Cluster: aws.String("c"), ContainerInstance: aws.String(arn)})
	assertAPIError(t, err, "InvalidParameterException", "")
	dr := must[*sdkecs.DeregisterContainerInstanceOutput](t)(e.ecs.DeregisterContainerInstance(ctx(t), &sdkecs.DeregisterContainerInstanceInput{
		Cluster: aws.String("c"), ContainerInstance: aws.String(arn), Force: aws.Bool(true)}))
	if aws.ToString(dr.ContainerInstance.Status) != "INACTIVE" {
		t.Errorf("deregistered status %s", aws.ToString(dr.ContainerInstance.Status))
	}
	if got := e.listInstances(t, "c", ""); len(got) != 0 {
		t.Errorf("INACTIVE instance listed: %v", got)
	}
	if ci = e.describeInstance(t, "c", arn); aws.ToString(ci.Status) != "INACTIVE" {
		t.Errorf("INACTIVE instance not describable: %+v", ci)
	}
	_, err = e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn})
	assertAPIError(t, err, "InvalidParameterException", "No Container Instances were found in your cluster.")
}

func TestPlacementStrategiesOverInstances(t *testing.T) {
	cases := []struct {
		name     string
		strategy []types.PlacementStrategy
		cons     []types.PlacementConstraint
		// wantHosts is how many distinct instances the 3 tasks end up on.
		wantHosts int
	}{
		{"spread by zone", []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}}, nil, 3},
		{"binpack memory", []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}, nil, 1},
		{"distinct instance", nil, []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.emu.SeedPlacement(1)
			must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
			for i, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
				e.registerInstance(t, "c", fmt.Sprintf("i-%017d", i+1), "m5.large", az)
			}
			td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), memDef("web", 128, 256)))
			run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"),
				TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(3), PlacementStrategy: tc.strategy, PlacementConstraints: tc.cons}))
			var hosts []string
			for _, task := range run.Tasks {
				if h := aws.ToString(task.ContainerInstanceArn); !slices.Contains(hosts, h) {
					hosts = append(hosts, h)
				}
			}
			if len(run.Tasks) != 3 || len(hosts) != tc.wantHosts {
				t.Errorf("3 tasks on %d instances (failures %+v), want %d instances", len(hosts), run.Failures, tc.wantHosts)
			}
		})
	}
}

func TestPlacementValidation(t *testing.T) {
	e := newEnv(t)
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), memDef("web", 128, 256)))
	_, err := e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("disk")}}})
	assertAPIError(t, err, "InvalidParameterException", "")
	_, err = e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:x ==")}}})
	assertAPIError(t, err, "InvalidParameterException", "")
}

// Two simulated instances can each hold static host port 8080 (each publishes on its
// own loopback address); a third task finds both instances' port taken.
func TestStaticHostPortPerInstance(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	e.registerInstance(t, "c", "i-00000000000000001", "m5.large", "us-east-1a")
	e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	cd := cdef("web", 128, nil)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), ec2Def("web", cd)))
	run := must[*sdkecs.RunTaskOutput](t)(e.ecs.RunTask(ctx(t), &sdkecs.RunTaskInput{Cluster: aws.String("c"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(3)}))
	hosts := map[string]bool{}
	for _, task := range run.Tasks {
		hosts[aws.ToString(task.ContainerInstanceArn)] = true
	}
	if len(run.Tasks) != 2 || len(hosts) != 2 || len(run.Failures) != 1 || aws.ToString(run.Failures[0].Reason) != "RESOURCE:PORTS" {
		t.Fatalf("3 tasks with host port 8080 on 2 instances: %d placed on %d instances, failures %+v", len(run.Tasks), len(hosts), run.Failures)
	}
	for arn := range hosts {
		ci := e.describeInstance(t, "c", arn)
		var ports []string
		for _, r := range ci.RemainingResources {
			if aws.ToString(r.Name) == "PORTS" {
				ports = r.StringSetValue
			}
		}
		if !slices.Contains(ports, "8080") {
			t.Errorf("instance %s remaining PORTS %v lacks the task's 8080", arn, ports)
		}
	}
}

// StartTask places on the instances it names, or says why each could not take the task.
func TestStartTaskOnNamedInstances(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	small := e.registerInstance(t, "c", "i-00000000000000001", "t3.micro", "us-east-1a")
	big := e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), memDef("web", 256, 2048)))
	out := must[*sdkecs.StartTaskOutput](t)(e.ecs.StartTask(ctx(t), &sdkecs.StartTaskInput{Cluster: aws.String("c"),
		TaskDefinition:     td.TaskDefinition.TaskDefinitionArn,
		ContainerInstances: []string{aws.ToString(big.ContainerInstanceArn), aws.ToString(small.ContainerInstanceArn), "0123456789abcdef0123456789abcdef"}}))
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].ContainerInstanceArn) != aws.ToString(big.ContainerInstanceArn) {
		t.Fatalf("StartTask tasks: %+v", out.Tasks)
	}
	reasons := map[string]string{}
	for _, f := range out.Failures {
		reasons[aws.ToString(f.Arn)] = aws.ToString(f.Reason)
	}
	want := map[string]string{
		aws.ToString(small.ContainerInstanceArn):                                                   "RESOURCE:MEMORY",
		"arn:aws:ecs:us-east-1:000000000000:container-instance/c/0123456789abcdef0123456789abcdef": "MISSING",
	}
	if len(reasons) != len(want) {
		t.Fatalf("failures %v, want %v", reasons, want)
	}
	for arn, r := range want {
		if reasons[arn] != r {
			t.Errorf("failure for %s = %q, want %q", arn, reasons[arn], r)
		}
	}
	_, err := e.ecs.StartTask(ctx(t), &sdkecs.StartTaskInput{Cluster: aws.String("c"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn, ContainerInstances: []string{}})
	assertAPIError(t, err, "InvalidParameterException", "")
}

// StartTask goes through the same admission as RunTask: a host-mode task binds its
// static port on this one machine, so a second one (on another simulated instance, or
// in a later call) fails with RESOURCE:PORTS instead of clashing in the runtime.
func TestStartTaskHostPortsClash(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c")}))
	a := e.registerInstance(t, "c", "i-00000000000000001", "m5.large", "us-east-1a")
	b := e.registerInstance(t, "c", "i-00000000000000002", "m5.large", "us-east-1b")
	cd := cdef("app", 256, nil)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), HostPort: aws.Int32(8080)}}
	in := ec2Def("hostport", cd)
	in.NetworkMode = types.NetworkModeHost
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), in))
	start := func(arns ...*string) *sdkecs.StartTaskOutput {
		t.Helper()
		refs := make([]string, len(arns))
		for i, a := range arns {
			refs[i] = aws.ToString(a)
		}
		return must[*sdkecs.StartTaskOutput](t)(e.ecs.StartTask(ctx(t), &sdkecs.StartTaskInput{Cluster: aws.String("c"),
			TaskDefinition: td.TaskDefinition.TaskDefinitionArn, ContainerInstances: refs}))
	}
	out := start(a.ContainerInstanceArn, b.ContainerInstanceArn)
	if len(out.Tasks) != 1 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "RESOURCE:PORTS" ||
		aws.ToString(out.Failures[0].Arn) != aws.ToString(b.ContainerInstanceArn) {
		t.Fatalf("first call: %d tasks, failures %+v; want 1 task and RESOURCE:PORTS on the second instance", len(out.Tasks), out.Failures)
	}
	out = start(b.ContainerInstanceArn)
	if len(out.Tasks) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "RESOURCE:PORTS" {
		t.Fatalf("second call: %d tasks, failures %+v; want RESOURCE:PORTS", len(out.Tasks), out.Failures)
	}
}
