package httpapi_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Black-box tests of the services API surface: validation errors with ECS's exception
// names and texts (/tmp/research/services-errors.md §1-5), what CreateService stores
// and DescribeServices shows (spec §5.1-5.2), ListServices and ListServicesByNamespace.

// sxWebDef is an EC2 task definition whose container "app" maps port 80.
func sxWebDef(family string) *sdkecs.RegisterTaskDefinitionInput {
	cd := cdef("app", 64, nil)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), Name: aws.String("http")}}
	return ec2Def(family, cd)
}

// sxVpcDef is a Fargate (awsvpc) task definition whose container "app" maps port 8080.
func sxVpcDef(family string) *sdkecs.RegisterTaskDefinitionInput {
	cd := cdef("app", 0, nil)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("http")}}
	return fargateDef(family, cd)
}

const sxTG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef"

func TestServiceCreateValidation(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	web := e.sxRegister(t, sxWebDef("web"))
	vpc := e.sxRegister(t, sxVpcDef("vpc"))
	base := func(name, td string) *sdkecs.CreateServiceInput {
		return &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String(td), DesiredCount: aws.Int32(0)}
	}
	for i, tc := range []struct {
		name  string
		in    *sdkecs.CreateServiceInput
		code  string
		msg   string // "" checks the exception only (no known ECS text)
		exact bool
	}{
		{"launch type and strategy", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.LaunchType = types.LaunchTypeEc2
			in.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}
			return in
		}(), "InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.", true},
		{"load balancer container missing", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("Frontend"), ContainerPort: aws.Int32(80)}}
			return in
		}(), "InvalidParameterException", "The container Frontend does not exist in the task definition.", true},
		{"load balancer port not mapped", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}
			return in
		}(), "InvalidParameterException", "The container app did not have a container port 8080 defined.", true},
		{"awsvpc without network configuration", func() *sdkecs.CreateServiceInput {
			in := base("a", vpc)
			in.LaunchType = types.LaunchTypeFargate
			return in
		}(), "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.", true},
		{"network configuration on bridge", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.NetworkConfiguration = awsvpcConfig("subnet-1")
			return in
		}(), "InvalidParameterException", "Network Configuration is not valid for the given networkMode of this task definition.", true},
		// research §5: CreateService answers ClientException "TaskDefinition not found."
		// (DescribeTaskDefinition's "Unable to describe task definition." is another text).
		{"unknown task definition", base("a", "nope:1"), "ClientException", "TaskDefinition not found.", true},
		{"unknown cluster", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.Cluster = aws.String("nowhere")
			return in
		}(), "ClusterNotFoundException", "Cluster not found.", true},
		// research §5 (REAL via CloudFormation, which may strip a trailing period).
		{"daemon above 100 percent", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.DesiredCount = nil
			in.SchedulingStrategy = types.SchedulingStrategyDaemon
			in.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(150)}
			return in
		}(), "InvalidParameterException", "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again", false},
		{"bad name", base("web!", web), "InvalidParameterException", "", false},
		{"name too long", base(longName(256), web), "InvalidParameterException", "", false},
		{"negative desired count", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.DesiredCount = aws.Int32(-1)
			return in
		}(), "InvalidParameterException", "", false},
		{"minimum healthy above 100", func() *sdkecs.CreateServiceInput {
			in := base("a", web)
			in.DeploymentConfiguration = &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(150), MaximumPercent: aws.Int32(200)}
			return in
		}(), "InvalidParameterException", "", false},
	} {
		if aws.ToString(tc.in.ServiceName) == "a" {
			tc.in.ServiceName = aws.String(fmt.Sprintf("s%d", i)) // each case its own name
		}
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.CreateService(ctx(t), tc.in)
			sxAPIError(t, err, tc.code, tc.msg, tc.exact)
		})
	}
	// None of the refused requests left a service behind.
	out := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1")}))
	if len(out.ServiceArns) != 0 {
		t.Errorf("refused creates left services: %v", out.ServiceArns)
	}
}

func longName(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func TestServiceUpdateAndDeleteErrors(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	web := e.sxRegister(t, sxWebDef("web"))
	e.sxRegister(t, sxWebDef("web")) // web:2
	must[*sdkecs.DeregisterTaskDefinitionOutput](t)(e.ecs.DeregisterTaskDefinition(ctx(t),
		&sdkecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:2")}))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(web), DesiredCount: aws.Int32(1)})

	for _, tc := range []struct {
		name  string
		in    *sdkecs.UpdateServiceInput
		code  string
		msg   string
		exact bool
	}{
		{"unknown service", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("nope"), DesiredCount: aws.Int32(1)},
			"ServiceNotFoundException", "Service not found.", true},
		{"unknown cluster", &sdkecs.UpdateServiceInput{Cluster: aws.String("nowhere"), Service: aws.String("web"), DesiredCount: aws.Int32(1)},
			"ClusterNotFoundException", "Cluster not found.", true},
		// research §5: REAL (aws-cdk #33195) "UpdateService error: TaskDefinition is
		// inactive (... Error Code: ClientException ...)".
		{"inactive task definition", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), TaskDefinition: aws.String("web:2")},
			"ClientException", "TaskDefinition is inactive", false},
		{"unknown task definition", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), TaskDefinition: aws.String("nope:3")},
			"ClientException", "", false},
		{"load balancer container missing", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"),
			LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("Frontend"), ContainerPort: aws.Int32(80)}}},
			"InvalidParameterException", "The container Frontend does not exist in the task definition.", true},
		{"minimum healthy above 100", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"),
			DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(150)}},
			"InvalidParameterException", "", false},
		{"negative desired count", &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), DesiredCount: aws.Int32(-2)},
			"InvalidParameterException", "", false},
	} {
		t.Run("update "+tc.name, func(t *testing.T) {
			_, err := e.ecs.UpdateService(ctx(t), tc.in)
			sxAPIError(t, err, tc.code, tc.msg, tc.exact)
		})
	}
	// Refused updates changed nothing: one deployment, web:1, desired 1.
	s := e.service(t, "c1", "web")
	if len(s.Deployments) != 1 || aws.ToString(s.TaskDefinition) != web || s.DesiredCount != 1 {
		t.Errorf("after refused updates: td %s desired %d deployments %v", aws.ToString(s.TaskDefinition), s.DesiredCount, deploymentsOf(s))
	}

	for _, tc := range []struct {
		name  string
		in    *sdkecs.DeleteServiceInput
		code  string
		msg   string
		exact bool
	}{
		{"unknown service", &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("nope")},
			"ServiceNotFoundException", "Service not found.", true},
		{"unknown cluster", &sdkecs.DeleteServiceInput{Cluster: aws.String("nowhere"), Service: aws.String("web")},
			"ClusterNotFoundException", "Cluster not found.", true},
		{"scaled above 0 without force", &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("web")},
			"InvalidParameterException", "The service cannot be stopped while it is scaled above 0.", true},
	} {
		t.Run("delete "+tc.name, func(t *testing.T) {
			_, err := e.ecs.DeleteService(ctx(t), tc.in)
			sxAPIError(t, err, tc.code, tc.msg, tc.exact)
		})
	}
	if s := e.service(t, "c1", "web"); aws.ToString(s.Status) != "ACTIVE" {
		t.Errorf("refused delete left status %s", aws.ToString(s.Status))
	}
}

// TestServiceCreateShowsDefaults checks what DescribeServices shows for a minimal
// REPLICA service on EC2 (spec §5.1, §5.2, §0: propagateTags NONE when unset).
func TestServiceCreateShowsDefaults(t *testing.T) {
	e := newServiceEnv(t)
	c := e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("plain"))
	out := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("plain"),
		TaskDefinition: aws.String("plain"), DesiredCount: aws.Int32(0)}) // family only: latest ACTIVE revision
	for _, s := range []types.Service{*out, e.service(t, "c1", "plain")} {
		dc := s.DeploymentConfiguration
		switch {
		case aws.ToString(s.ServiceArn) != arn("service/c1/plain"):
			t.Errorf("serviceArn %q", aws.ToString(s.ServiceArn))
		case aws.ToString(s.ClusterArn) != aws.ToString(c.ClusterArn):
			t.Errorf("clusterArn %q", aws.ToString(s.ClusterArn))
		case aws.ToString(s.Status) != "ACTIVE":
			t.Errorf("status %q", aws.ToString(s.Status))
		case aws.ToString(s.TaskDefinition) != td:
			t.Errorf("taskDefinition %q, want %q", aws.ToString(s.TaskDefinition), td)
		case s.LaunchType != types.LaunchTypeEc2:
			t.Errorf("launchType %q", s.LaunchType)
		case s.SchedulingStrategy != types.SchedulingStrategyReplica:
			t.Errorf("schedulingStrategy %q", s.SchedulingStrategy)
		case s.DeploymentController == nil || s.DeploymentController.Type != types.DeploymentControllerTypeEcs:
			t.Errorf("deploymentController %+v", s.DeploymentController)
		case dc == nil || aws.ToInt32(dc.MaximumPercent) != 200 || aws.ToInt32(dc.MinimumHealthyPercent) != 100:
			t.Errorf("deploymentConfiguration %+v", dc)
		case dc.DeploymentCircuitBreaker == nil || dc.DeploymentCircuitBreaker.Enable || dc.DeploymentCircuitBreaker.Rollback:
			t.Errorf("circuit breaker %+v, want present and off", dc.DeploymentCircuitBreaker)
		case s.CreatedAt == nil || !s.CreatedAt.Equal(testStart):
			t.Errorf("createdAt %v", s.CreatedAt)
		case s.EnableECSManagedTags || s.EnableExecuteCommand:
			t.Errorf("enableECSManagedTags %v enableExecuteCommand %v", s.EnableECSManagedTags, s.EnableExecuteCommand)
		case s.DesiredCount != 0 || s.RunningCount != 0 || s.PendingCount != 0:
			t.Errorf("counts %d/%d/%d", s.DesiredCount, s.RunningCount, s.PendingCount)
		case len(s.Deployments) != 1:
			t.Fatalf("deployments %v", deploymentsOf(s))
		}
		if s.PropagateTags != types.PropagateTagsNone {
			t.Errorf("propagateTags %q, want NONE when unset (spec §0, L47185)", s.PropagateTags)
		}
		d := s.Deployments[0]
		id := aws.ToString(d.Id)
		switch {
		case !sxDeploymentIDRE.MatchString(id):
			t.Errorf("deployment id %q", id)
		case aws.ToString(d.Status) != "PRIMARY":
			t.Errorf("deployment status %q", aws.ToString(d.Status))
		case aws.ToString(d.TaskDefinition) != td:
			t.Errorf("deployment taskDefinition %q", aws.ToString(d.TaskDefinition))
		case d.LaunchType != types.LaunchTypeEc2:
			t.Errorf("deployment launchType %q", d.LaunchType)
		case d.CreatedAt == nil || !d.CreatedAt.Equal(testStart):
			t.Errorf("deployment createdAt %v", d.CreatedAt)
		case d.DesiredCount != 0 || d.FailedTasks != 0:
			t.Errorf("deployment desired %d failed %d", d.DesiredCount, d.FailedTasks)
		}
	}
	// The response of CreateService is IN_PROGRESS; with no tasks to run the
	// deployment then completes.
	if d := out.Deployments[0]; d.RolloutState != types.DeploymentRolloutStateInProgress ||
		aws.ToString(d.RolloutStateReason) != "ECS deployment "+aws.ToString(d.Id)+" in progress." {
		t.Errorf("created deployment %s %q", d.RolloutState, aws.ToString(d.RolloutStateReason))
	}
	s := e.eventuallyService(t, "c1", "plain", "COMPLETED", func(s types.Service) bool {
		return s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
	id := aws.ToString(s.Deployments[0].Id)
	if got := aws.ToString(s.Deployments[0].RolloutStateReason); got != "ECS deployment "+id+" completed." {
		t.Errorf("completed rolloutStateReason %q", got)
	}
	if id != aws.ToString(out.Deployments[0].Id) {
		t.Errorf("deployment id changed from %s to %s", aws.ToString(out.Deployments[0].Id), id)
	}
}

// TestServiceFieldsRoundTrip creates services with every field the issue lists and
// checks DescribeServices (include TAGS) gives them back (spec §5.1, §5.2).
func TestServiceFieldsRoundTrip(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	vpc := e.sxRegister(t, sxVpcDef("vpc"))
	web := e.sxRegister(t, sxWebDef("web"))
	net := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-a", "subnet-b"},
		SecurityGroups: []string{"sg-1"}, AssignPublicIp: types.AssignPublicIpEnabled}}
	lbs := []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}
	regs := []types.ServiceRegistry{{RegistryArn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc"),
		ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}
	dc := &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(150),
		DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true},
		Alarms:                   &types.DeploymentAlarms{AlarmNames: []string{"high-5xx"}, Enable: true, Rollback: false}}
	sconn := &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("local"),
		Services: []types.ServiceConnectService{{PortName: aws.String("http"), DiscoveryName: aws.String("full"),
			ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80)}}}}}
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("full"),
		TaskDefinition: aws.String(vpc), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
		PlatformVersion: aws.String("LATEST"), DeploymentConfiguration: dc, NetworkConfiguration: net,
		LoadBalancers: lbs, ServiceRegistries: regs, ServiceConnectConfiguration: sconn,
		HealthCheckGracePeriodSeconds: aws.Int32(30), PropagateTags: types.PropagateTagsService,
		EnableECSManagedTags: true, EnableExecuteCommand: true, ClientToken: aws.String("token-1"),
		Tags: []types.Tag{tag("team", "blue"), tag("env", "")}})
	out := must[*sdkecs.DescribeServicesOutput](t)(e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
		Cluster: aws.String("c1"), Services: []string{"full"}, Include: []types.ServiceField{types.ServiceFieldTags}}))
	if len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %+v", out.Failures)
	}
	s := out.Services[0]
	check := func(field string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", field, got, want)
		}
	}
	check("launchType", s.LaunchType, types.LaunchTypeFargate)
	check("platformVersion", aws.ToString(s.PlatformVersion), "LATEST")
	check("platformFamily", aws.ToString(s.PlatformFamily), "Linux")
	check("minimumHealthyPercent", aws.ToInt32(s.DeploymentConfiguration.MinimumHealthyPercent), int32(50))
	check("maximumPercent", aws.ToInt32(s.DeploymentConfiguration.MaximumPercent), int32(150))
	check("deploymentCircuitBreaker", s.DeploymentConfiguration.DeploymentCircuitBreaker, dc.DeploymentCircuitBreaker)
	check("alarms", s.DeploymentConfiguration.Alarms, dc.Alarms)
	check("networkConfiguration", s.NetworkConfiguration, net)
	check("loadBalancers", s.LoadBalancers, lbs)
	check("serviceRegistries", s.ServiceRegistries, regs)
	check("healthCheckGracePeriodSeconds", aws.ToInt32(s.HealthCheckGracePeriodSeconds), int32(30))
	check("propagateTags", s.PropagateTags, types.PropagateTagsService)
	check("enableECSManagedTags", s.EnableECSManagedTags, true)
	check("enableExecuteCommand", s.EnableExecuteCommand, true)
	check("tags", tagMap(s.Tags), map[string]string{"team": "blue", "env": ""})
	if len(s.Deployments) != 1 {
		t.Fatalf("deployments %v", deploymentsOf(s))
	}
	d := s.Deployments[0]
	check("deployment launchType", d.LaunchType, types.LaunchTypeFargate)
	check("deployment platformVersion (resolved)", aws.ToString(d.PlatformVersion), "1.4.0")
	check("deployment networkConfiguration", d.NetworkConfiguration, net)
	if d.ServiceConnectConfiguration == nil || !d.ServiceConnectConfiguration.Enabled ||
		aws.ToString(d.ServiceConnectConfiguration.Namespace) != "local" || len(d.ServiceConnectConfiguration.Services) != 1 ||
		aws.ToString(d.ServiceConnectConfiguration.Services[0].PortName) != "http" {
		t.Errorf("deployment serviceConnectConfiguration %+v", d.ServiceConnectConfiguration)
	}

	// Placement is stored for EC2 services.
	pc := []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:ecs.os-type == linux")}}
	ps := []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")},
		{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("placed"),
		TaskDefinition: aws.String(web), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeEc2,
		SchedulingStrategy: types.SchedulingStrategyReplica, PlacementConstraints: pc, PlacementStrategy: ps,
		PropagateTags: types.PropagateTagsTaskDefinition})
	p := e.service(t, "c1", "placed")
	check("placementConstraints", p.PlacementConstraints, pc)
	check("placementStrategy", p.PlacementStrategy, ps)
	check("placed propagateTags", p.PropagateTags, types.PropagateTagsTaskDefinition)
	check("placed tags without include", p.Tags, []types.Tag(nil))
	check("placed platformVersion", p.PlatformVersion, (*string)(nil))
}

// TestServiceUpdateFields: settings that do not change what tasks run take effect in
// place; task-affecting ones and forceNewDeployment start a new PRIMARY deployment,
// the old one turning ACTIVE (spec §5.2).
func TestServiceUpdateFields(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("up"))
	v2 := e.sxRegister(t, sxSimple("up"))
	created := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("up"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(0)})
	first := aws.ToString(created.Deployments[0].Id)

	s := *e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("up"),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		EnableExecuteCommand: aws.Bool(true), EnableECSManagedTags: aws.Bool(true), PropagateTags: types.PropagateTagsService,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}},
		TaskDefinition:    aws.String(v1)}) // the same revision again: nothing to roll out
	switch dc := s.DeploymentConfiguration; {
	case aws.ToInt32(dc.MinimumHealthyPercent) != 50 || aws.ToInt32(dc.MaximumPercent) != 200:
		t.Errorf("merged deployment configuration min %d max %d, want 50/200", aws.ToInt32(dc.MinimumHealthyPercent), aws.ToInt32(dc.MaximumPercent))
	case !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback:
		t.Errorf("breaker %+v", dc.DeploymentCircuitBreaker)
	case !s.EnableExecuteCommand || !s.EnableECSManagedTags || s.PropagateTags != types.PropagateTagsService:
		t.Errorf("flags exec %v managed %v propagate %q", s.EnableExecuteCommand, s.EnableECSManagedTags, s.PropagateTags)
	case len(s.PlacementStrategy) != 1 || s.PlacementStrategy[0].Type != types.PlacementStrategyTypeRandom:
		t.Errorf("placementStrategy %+v", s.PlacementStrategy)
	case len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].Id) != first:
		t.Errorf("in-place update made a deployment: %v (first %s)", deploymentsOf(s), first)
	}

	s = *e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("up"), DesiredCount: aws.Int32(0)})
	if len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].Id) != first {
		t.Errorf("desiredCount update made a deployment: %v", deploymentsOf(s))
	}

	e.clock.Advance(time.Minute)
	s = *e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("up"), ForceNewDeployment: true})
	if len(s.Deployments) != 2 {
		t.Fatalf("forceNewDeployment: deployments %v", deploymentsOf(s))
	}
	forced := s.Deployments[0]
	switch {
	case aws.ToString(forced.Status) != "PRIMARY" || aws.ToString(forced.Id) == first || !sxDeploymentIDRE.MatchString(aws.ToString(forced.Id)):
		t.Errorf("new deployment %v", deploymentsOf(s))
	case aws.ToString(forced.TaskDefinition) != v1:
		t.Errorf("forced deployment runs %s, want %s", aws.ToString(forced.TaskDefinition), v1)
	case forced.RolloutState != types.DeploymentRolloutStateInProgress:
		t.Errorf("forced rolloutState %q", forced.RolloutState)
	case forced.CreatedAt == nil || !forced.CreatedAt.Equal(testStart.Add(time.Minute)):
		t.Errorf("forced createdAt %v", forced.CreatedAt)
	case aws.ToString(s.Deployments[1].Status) != "ACTIVE" || aws.ToString(s.Deployments[1].Id) != first:
		t.Errorf("old deployment %v", deploymentsOf(s))
	}

	s = *e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("up"), TaskDefinition: aws.String("up")})
	if aws.ToString(s.TaskDefinition) != v2 || aws.ToString(sxPrimary(t, s).TaskDefinition) != v2 {
		t.Errorf("family-only update: service td %s primary %s, want %s", aws.ToString(s.TaskDefinition),
			aws.ToString(sxPrimary(t, s).TaskDefinition), v2)
	}
	// With no tasks to move, the service settles on one COMPLETED deployment.
	e.eventuallyService(t, "c1", "up", "settles on v2", func(s types.Service) bool {
		return len(s.Deployments) == 1 && aws.ToString(s.Deployments[0].TaskDefinition) == v2 &&
			s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
}

func TestServiceDescribeAndList(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	e.createCluster(t, "c2")
	web := e.sxRegister(t, sxSimple("web"))
	vpc := e.sxRegister(t, sxVpcDef("vpc"))
	for _, name := range []string{"b", "a", "d", "c"} {
		e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String(web), DesiredCount: aws.Int32(0), Tags: []types.Tag{tag("name", name)}})
	}
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("f"),
		TaskDefinition: aws.String(vpc), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpcConfig("subnet-1")})
	// The same name in another cluster is another service.
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c2"), ServiceName: aws.String("a"),
		TaskDefinition: aws.String(web), DesiredCount: aws.Int32(0)})
	must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("d")}))

	t.Run("describe", func(t *testing.T) {
		out := must[*sdkecs.DescribeServicesOutput](t)(e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
			Cluster: aws.String("c1"), Services: []string{"a", arn("service/c1/b"), "nope", arn("service/c1/gone")},
			Include: []types.ServiceField{types.ServiceFieldTags}}))
		if len(out.Services) != 2 || aws.ToString(out.Services[0].ServiceName) != "a" || aws.ToString(out.Services[1].ServiceName) != "b" {
			t.Fatalf("services %+v", out.Services)
		}
		if got := tagMap(out.Services[1].Tags); !reflect.DeepEqual(got, map[string]string{"name": "b"}) {
			t.Errorf("tags with include TAGS: %v", got)
		}
		if len(out.Failures) != 2 {
			t.Fatalf("failures %+v", out.Failures)
		}
		for i, want := range []string{
			// research §4: a name becomes the short, cluster-less ARN (REAL captures);
			// an ARN is echoed verbatim.
			"arn:aws:ecs:us-east-1:000000000000:service/nope",
			arn("service/c1/gone"),
		} {
			f := out.Failures[i]
			if aws.ToString(f.Reason) != "MISSING" || aws.ToString(f.Arn) != want || f.Detail != nil {
				t.Errorf("failure %d: arn %q reason %q detail %v, want %q MISSING", i, aws.ToString(f.Arn), aws.ToString(f.Reason), f.Detail, want)
			}
		}
		plain := must[*sdkecs.DescribeServicesOutput](t)(e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
			Cluster: aws.String("c1"), Services: []string{"a"}}))
		if plain.Services[0].Tags != nil {
			t.Errorf("tags without include: %v", plain.Services[0].Tags)
		}
		// A deleted service is still described (DRAINING or INACTIVE), not MISSING.
		if d := e.service(t, "c1", "d"); aws.ToString(d.Status) != "DRAINING" && aws.ToString(d.Status) != "INACTIVE" {
			t.Errorf("deleted service status %q", aws.ToString(d.Status))
		}
		_, err := e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("nowhere"), Services: []string{"a"}})
		sxAPIError(t, err, "ClusterNotFoundException", "Cluster not found.", true)
		_, err = e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("c1"),
			Services: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}})
		sxAPIError(t, err, "InvalidParameterException", "", false)
	})

	t.Run("list", func(t *testing.T) {
		all, pages := collectPages(t, 10, func(token *string) ([]string, *string, error) {
			out, err := e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1"), MaxResults: aws.Int32(2), NextToken: token})
			if err != nil {
				return nil, nil, err
			}
			return out.ServiceArns, out.NextToken, nil
		})
		assertSameList(t, all, []string{arn("service/c1/a"), arn("service/c1/b"), arn("service/c1/c"), arn("service/c1/f")})
		if pages != 2 {
			t.Errorf("%d pages of 2 for 4 services", pages)
		}
		ec2 := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1"), LaunchType: types.LaunchTypeEc2}))
		assertSameList(t, ec2.ServiceArns, []string{arn("service/c1/a"), arn("service/c1/b"), arn("service/c1/c")})
		fg := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1"), LaunchType: types.LaunchTypeFargate}))
		assertSameList(t, fg.ServiceArns, []string{arn("service/c1/f")})
		daemon := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1"),
			SchedulingStrategy: types.SchedulingStrategyDaemon}))
		assertSameList(t, daemon.ServiceArns, nil)
		c2 := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c2")}))
		assertSameList(t, c2.ServiceArns, []string{arn("service/c2/a")})
		_, err := e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("nowhere")})
		sxAPIError(t, err, "ClusterNotFoundException", "Cluster not found.", true)
	})
}

func TestServiceListByNamespace(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	e.createCluster(t, "c2")
	web := e.sxRegister(t, sxWebDef("web"))
	const nsARN = "arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-0123456789abcdef"
	create := func(cluster, name string, sc *types.ServiceConnectConfiguration) {
		e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
			TaskDefinition: aws.String(web), DesiredCount: aws.Int32(0), ServiceConnectConfiguration: sc})
	}
	create("c1", "client", &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(nsARN)})
	create("c2", "server", &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(nsARN),
		Services: []types.ServiceConnectService{{PortName: aws.String("http")}}})
	create("c1", "other", &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("elsewhere")})
	create("c1", "off", &types.ServiceConnectConfiguration{Enabled: false, Namespace: aws.String(nsARN)})
	create("c1", "none", nil)

	out := must[*sdkecs.ListServicesByNamespaceOutput](t)(e.ecs.ListServicesByNamespace(ctx(t),
		&sdkecs.ListServicesByNamespaceInput{Namespace: aws.String(nsARN)}))
	got := append([]string(nil), out.ServiceArns...)
	want := []string{arn("service/c1/client"), arn("service/c2/server")}
	if len(got) != 2 || !(got[0] == want[0] && got[1] == want[1] || got[0] == want[1] && got[1] == want[0]) {
		t.Errorf("ListServicesByNamespace(%s) = %v, want %v (services of every cluster)", nsARN, got, want)
	}
	other := must[*sdkecs.ListServicesByNamespaceOutput](t)(e.ecs.ListServicesByNamespace(ctx(t),
		&sdkecs.ListServicesByNamespaceInput{Namespace: aws.String("elsewhere")}))
	assertSameList(t, other.ServiceArns, []string{arn("service/c1/other")})
	// A deleted service leaves the namespace's list.
	must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("client")}))
	out = must[*sdkecs.ListServicesByNamespaceOutput](t)(e.ecs.ListServicesByNamespace(ctx(t),
		&sdkecs.ListServicesByNamespaceInput{Namespace: aws.String(nsARN)}))
	assertSameList(t, out.ServiceArns, []string{arn("service/c2/server")})
}

// TestServiceClusterDeletion: a cluster with services cannot be deleted; DescribeClusters
// counts its ACTIVE services.
func TestServiceClusterDeletion(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	web := e.sxRegister(t, sxSimple("web"))
	for _, name := range []string{"one", "two"} {
		e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String(web), DesiredCount: aws.Int32(0)})
	}
	count := func() int32 {
		out := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"c1"}}))
		return out.Clusters[0].ActiveServicesCount
	}
	if n := count(); n != 2 {
		t.Errorf("activeServicesCount %d, want 2", n)
	}
	_, err := e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("c1")})
	sxAPIError(t, err, "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.", true)
	for _, name := range []string{"one", "two"} {
		must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String(name)}))
		e.eventuallyService(t, "c1", name, "INACTIVE", func(s types.Service) bool { return aws.ToString(s.Status) == "INACTIVE" })
	}
	if n := count(); n != 0 {
		t.Errorf("activeServicesCount %d after deleting both, want 0", n)
	}
	out := must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("c1")}))
	if aws.ToString(out.Cluster.Status) != "INACTIVE" {
		t.Errorf("deleted cluster status %q", aws.ToString(out.Cluster.Status))
	}
}
