package httpapi_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/appscaling/appscalingapi"
	"github.com/ecsmini/ecsmini/emulator/appscaling/ecsbridge"
)

const infraRole = "arn:aws:iam::000000000000:role/ecsInfrastructureRoleForExpressServices"

// expressEnv is a service environment (simulated runtime and load balancers) with
// Application Auto Scaling run by the loop, connected to Express services as `ecsmini
// up` connects it, and served to an SDK client.
type expressEnv struct {
	*taskEnv
	aas *aas.Client
}

func newExpressEnv(t *testing.T) *expressEnv {
	t.Helper()
	te := newServiceEnv(t)
	b := ecsbridge.New(te.emu, te.rt)
	asc, err := appscaling.Open(appscaling.Config{Clock: te.clock, Region: "us-east-1", Account: account,
		Services: b, Metrics: b, OnChange: b.Publish, Kick: te.emu.Kick})
	if err != nil {
		t.Fatal(err)
	}
	te.emu.AddReconciler(asc)
	te.emu.SetExpressScaler(asc)
	srv := httptest.NewServer(appscalingapi.New(asc, nil))
	t.Cleanup(srv.Close)
	c := aas.New(aas.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{},
		HTTPClient: &http.Client{Transport: plainBodies{awshttp.NewBuildableClient().GetTransport()}}})
	return &expressEnv{taskEnv: te, aas: c}
}

func (e *expressEnv) create(t *testing.T, in *sdkecs.CreateExpressGatewayServiceInput) *types.ECSExpressGatewayService {
	t.Helper()
	out, err := e.ecs.CreateExpressGatewayService(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateExpressGatewayService: %v", err)
	}
	return out.Service
}

func (e *expressEnv) scalableTargets(t *testing.T, id string) []aastypes.ScalableTarget {
	t.Helper()
	out, err := e.aas.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	return out.ScalableTargets
}

// advanceUntil settles and moves the clock on ten seconds at a time, for up to five
// minutes, until the service meets cond.
func (e *expressEnv) advanceUntil(t *testing.T, name, what string, cond func(types.Service) bool) types.Service {
	t.Helper()
	e.settle(t)
	for range 30 {
		if s := e.service(t, "default", name); cond(s) {
			return s
		}
		e.advance(t, 10*time.Second)
	}
	return e.eventuallyService(t, "default", name, what, cond)
}

func webInput() *sdkecs.CreateExpressGatewayServiceInput {
	return &sdkecs.CreateExpressGatewayServiceInput{InfrastructureRoleArn: aws.String(infraRole), ServiceName: aws.String("web"),
		ExecutionRoleArn: aws.String("arn:aws:iam::000000000000:role/ecsTaskExecutionRole"),
		PrimaryContainer: &types.ExpressGatewayContainer{Image: aws.String("nginx:1.27")}}
}

// endpointOf is the ingress endpoint of a service's first active configuration.
func endpointOf(t *testing.T, s *types.ECSExpressGatewayService) string {
	t.Helper()
	if len(s.ActiveConfigurations) == 0 || len(s.ActiveConfigurations[0].IngressPaths) != 1 {
		t.Fatalf("no ingress path: %+v", s.ActiveConfigurations)
	}
	return aws.ToString(s.ActiveConfigurations[0].IngressPaths[0].Endpoint)
}

// An Express service is an ECS service with its task definition, running on Fargate
// behind a local load balancer whose localhost port is its endpoint, scaled by a CPU
// target tracking policy with ECS's defaults; an update deploys a new revision, and a
// delete drains the service and removes its scaling and its listener.
func TestExpressServiceLifecycle(t *testing.T) {
	e := newExpressEnv(t)
	s := e.create(t, webInput())
	if aws.ToString(s.ServiceArn) != arn("service/default/web") || aws.ToString(s.Cluster) != arn("cluster/default") ||
		s.Status == nil || s.Status.StatusCode != types.ExpressGatewayServiceStatusCodeActive || aws.ToString(s.InfrastructureRoleArn) != infraRole {
		t.Fatalf("created %+v", s)
	}
	c := s.ActiveConfigurations[0]
	st := c.ScalingTarget
	if aws.ToString(c.Cpu) != "256" || aws.ToString(c.Memory) != "512" || aws.ToString(c.HealthCheckPath) != "/ping" ||
		aws.ToInt32(c.PrimaryContainer.ContainerPort) != 80 || st == nil || aws.ToInt32(st.MinTaskCount) != 1 || aws.ToInt32(st.MaxTaskCount) != 20 ||
		st.AutoScalingMetric != types.ExpressGatewayServiceScalingMetricAverageCPUUtilization || aws.ToInt32(st.AutoScalingTargetValue) != 60 {
		t.Fatalf("configuration %+v scaling %+v", c, st)
	}
	if endpoint := endpointOf(t, s); !strings.HasPrefix(endpoint, "http://localhost:") {
		t.Fatalf("endpoint %q", endpoint)
	}
	e.settle(t)
	// The port is stable for the service; a balancer that found it taken (by another
	// test's, here) listens elsewhere, and Describe says where.
	endpoint := endpointOf(t, must[*sdkecs.DescribeExpressGatewayServiceOutput](t)(e.ecs.DescribeExpressGatewayService(ctx(t),
		&sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: s.ServiceArn})).Service)

	// The ECS service and task definition, through the ordinary API.
	svc := e.service(t, "default", "web")
	if aws.ToString(svc.Status) != "ACTIVE" || svc.LaunchType != types.LaunchTypeFargate || svc.RunningCount != 1 || svc.DesiredCount != 1 ||
		len(svc.LoadBalancers) != 1 || aws.ToString(svc.LoadBalancers[0].ContainerName) != "Main" || aws.ToInt32(svc.LoadBalancers[0].ContainerPort) != 80 {
		t.Fatalf("service %s %s running %d desired %d lbs %+v", aws.ToString(svc.Status), svc.LaunchType, svc.RunningCount, svc.DesiredCount, svc.LoadBalancers)
	}
	if aws.ToString(svc.TaskDefinition) != aws.ToString(c.TaskDefinitionArn) {
		t.Fatalf("service runs %s, configuration says %s", aws.ToString(svc.TaskDefinition), aws.ToString(c.TaskDefinitionArn))
	}
	list := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{}))
	if !slices.Contains(list.ServiceArns, arn("service/default/web")) {
		t.Fatalf("ListServices %v", list.ServiceArns)
	}
	td := must[*sdkecs.DescribeTaskDefinitionOutput](t)(e.ecs.DescribeTaskDefinition(ctx(t), &sdkecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})).TaskDefinition
	if aws.ToString(td.Cpu) != "256" || aws.ToString(td.Memory) != "512" || td.NetworkMode != types.NetworkModeAwsvpc ||
		!slices.Contains(td.RequiresCompatibilities, types.CompatibilityFargate) || len(td.ContainerDefinitions) != 1 ||
		aws.ToString(td.ContainerDefinitions[0].Name) != "Main" || aws.ToString(td.ContainerDefinitions[0].Image) != "nginx:1.27" {
		t.Fatalf("task definition %+v", td)
	}
	tasks := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{ServiceName: aws.String("web")}))
	described := must[*sdkecs.DescribeTasksOutput](t)(e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Tasks: tasks.TaskArns}))
	if len(described.Tasks) != 1 || aws.ToString(described.Tasks[0].LastStatus) != "RUNNING" {
		t.Fatalf("tasks %+v", described.Tasks)
	}

	// The endpoint answers: the local load balancer listens there, with the task as
	// its (simulated) target.
	addr := strings.TrimPrefix(endpoint, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	_ = conn.Close()
	lbs := e.emu.LoadBalancers()
	if len(lbs) != 1 || !strings.HasSuffix(lbs[0].Address, addr[strings.LastIndexByte(addr, ':'):]) || len(lbs[0].Targets) != 1 ||
		lbs[0].TargetGroupArn != aws.ToString(svc.LoadBalancers[0].TargetGroupArn) {
		t.Fatalf("load balancers %+v, endpoint %s", lbs, endpoint)
	}

	// The scaling, read back through Application Auto Scaling.
	targets := e.scalableTargets(t, "service/default/web")
	if len(targets) != 1 || aws.ToInt32(targets[0].MinCapacity) != 1 || aws.ToInt32(targets[0].MaxCapacity) != 20 {
		t.Fatalf("scalable targets %+v", targets)
	}
	pol := must[*aas.DescribeScalingPoliciesOutput](t)(e.aas.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web")}))
	if len(pol.ScalingPolicies) != 1 || pol.ScalingPolicies[0].PolicyType != aastypes.PolicyTypeTargetTrackingScaling ||
		aws.ToFloat64(pol.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue) != 60 ||
		pol.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType != aastypes.MetricTypeECSServiceAverageCPUUtilization {
		t.Fatalf("policies %+v", pol.ScalingPolicies)
	}

	// Update: a new image and size is a new revision and a deployment.
	up, err := e.ecs.UpdateExpressGatewayService(ctx(t), &sdkecs.UpdateExpressGatewayServiceInput{ServiceArn: s.ServiceArn,
		PrimaryContainer: &types.ExpressGatewayContainer{Image: aws.String("nginx:1.28")}, Cpu: aws.String("512"), Memory: aws.String("1024")})
	if err != nil {
		t.Fatal(err)
	}
	tc := up.Service.TargetConfiguration
	if aws.ToString(tc.Cpu) != "512" || aws.ToString(tc.Memory) != "1024" || aws.ToString(tc.PrimaryContainer.Image) != "nginx:1.28" ||
		aws.ToString(tc.TaskDefinitionArn) == aws.ToString(c.TaskDefinitionArn) || aws.ToString(tc.ExecutionRoleArn) != aws.ToString(c.ExecutionRoleArn) {
		t.Fatalf("target configuration %+v", tc)
	}
	svc = e.service(t, "default", "web")
	if len(svc.Deployments) != 2 || aws.ToString(svc.Deployments[0].TaskDefinition) != aws.ToString(tc.TaskDefinitionArn) {
		t.Fatalf("deployments after update: %v", deploymentsOf(svc))
	}
	during := must[*sdkecs.DescribeExpressGatewayServiceOutput](t)(e.ecs.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: s.ServiceArn})).Service
	if len(during.ActiveConfigurations) != 2 {
		t.Fatalf("during the deployment, active configurations %+v", during.ActiveConfigurations)
	}
	svc = e.advanceUntil(t, "web", "finish its deployment", func(s types.Service) bool {
		return len(s.Deployments) == 1 && s.RunningCount == 1 && aws.ToString(s.TaskDefinition) == aws.ToString(tc.TaskDefinitionArn)
	})
	after := must[*sdkecs.DescribeExpressGatewayServiceOutput](t)(e.ecs.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: s.ServiceArn})).Service
	if len(after.ActiveConfigurations) != 1 || aws.ToString(after.ActiveConfigurations[0].Cpu) != "512" || aws.ToString(after.CurrentDeployment) != aws.ToString(svc.Deployments[0].Id) {
		t.Fatalf("after the deployment %+v", after)
	}
	if got := endpointOf(t, after); got != endpoint {
		t.Fatalf("endpoint moved from %s to %s", endpoint, got)
	}

	// Delete: draining, then gone with its scaling and its listener.
	del, err := e.ecs.DeleteExpressGatewayService(ctx(t), &sdkecs.DeleteExpressGatewayServiceInput{ServiceArn: s.ServiceArn})
	if err != nil {
		t.Fatal(err)
	}
	if del.Service.Status.StatusCode != types.ExpressGatewayServiceStatusCodeDraining {
		t.Fatalf("deleted: status %+v", del.Service.Status)
	}
	if got := e.scalableTargets(t, "service/default/web"); len(got) != 0 {
		t.Fatalf("scalable targets after delete %+v", got)
	}
	e.advanceUntil(t, "web", "become INACTIVE", func(s types.Service) bool { return aws.ToString(s.Status) == "INACTIVE" })
	if lbs := e.emu.LoadBalancers(); len(lbs) != 0 {
		t.Fatalf("load balancers after delete %+v", lbs)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		_ = conn.Close()
		t.Fatalf("%s still answers after delete", addr)
	}
	gone := must[*sdkecs.DescribeExpressGatewayServiceOutput](t)(e.ecs.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: s.ServiceArn})).Service
	if gone.Status.StatusCode != types.ExpressGatewayServiceStatusCodeInactive || len(gone.ActiveConfigurations) != 0 {
		t.Fatalf("after delete %+v", gone)
	}
}

// A scaling target given at creation or in an update is the scalable target's
// capacities, and the desired count follows them.
func TestExpressServiceScalingTarget(t *testing.T) {
	e := newExpressEnv(t)
	in := webInput()
	in.ScalingTarget = &types.ExpressGatewayScalingTarget{MinTaskCount: aws.Int32(2), MaxTaskCount: aws.Int32(4),
		AutoScalingMetric: types.ExpressGatewayServiceScalingMetricRequestCountPerTarget, AutoScalingTargetValue: aws.Int32(100)}
	in.Tags = []types.Tag{tag("team", "web")}
	s := e.create(t, in)
	e.advanceUntil(t, "web", "run its minimum", func(s types.Service) bool { return s.RunningCount == 2 })
	pol := must[*aas.DescribeScalingPoliciesOutput](t)(e.aas.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web")}))
	if len(pol.ScalingPolicies) != 1 || pol.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType != aastypes.MetricTypeALBRequestCountPerTarget {
		t.Fatalf("policies %+v", pol.ScalingPolicies)
	}
	if _, err := e.ecs.UpdateExpressGatewayService(ctx(t), &sdkecs.UpdateExpressGatewayServiceInput{ServiceArn: s.ServiceArn,
		ScalingTarget: &types.ExpressGatewayScalingTarget{MinTaskCount: aws.Int32(3)}}); err != nil {
		t.Fatal(err)
	}
	targets := e.scalableTargets(t, "service/default/web")
	if len(targets) != 1 || aws.ToInt32(targets[0].MinCapacity) != 3 || aws.ToInt32(targets[0].MaxCapacity) != 4 {
		t.Fatalf("scalable targets %+v", targets)
	}
	svc := e.advanceUntil(t, "web", "run the new minimum", func(s types.Service) bool { return s.DesiredCount == 3 && s.RunningCount == 3 })
	if len(svc.Deployments) != 1 {
		t.Fatalf("a scaling change deployed: %v", deploymentsOf(svc))
	}
	d := must[*sdkecs.DescribeExpressGatewayServiceOutput](t)(e.ecs.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: s.ServiceArn,
		Include: []types.ExpressGatewayServiceInclude{types.ExpressGatewayServiceIncludeTags}})).Service
	if len(d.Tags) != 1 || aws.ToInt32(d.ActiveConfigurations[0].ScalingTarget.MinTaskCount) != 3 {
		t.Fatalf("described %+v", d)
	}
	if tags := e.service(t, "default", "web").Tags; len(tags) != 0 {
		// DescribeServices shows tags only with include=TAGS; the service carries them.
		t.Fatalf("tags without include %+v", tags)
	}
}

// Bad requests get ECS's exceptions.
func TestExpressServiceErrors(t *testing.T) {
	e := newExpressEnv(t)
	s := e.create(t, webInput())
	raw := e.client("us-east-1")
	unknown := aws.String(arn("service/default/nope"))
	for _, tc := range []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"no infrastructure role", func() error {
			in := webInput()
			in.InfrastructureRoleArn = nil
			_, err := raw.CreateExpressGatewayService(ctx(t), in, skipValidation)
			return err
		}, "InvalidParameterException", "infrastructureRoleArn can not be blank."},
		{"no container", func() error {
			in := webInput()
			in.PrimaryContainer = nil
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "InvalidParameterException", "primaryContainer"},
		{"task definition and container", func() error {
			in := webInput()
			in.TaskDefinitionArn = aws.String("web:1")
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "InvalidParameterException", "taskDefinitionArn together with"},
		{"health check path", func() error {
			in := webInput()
			in.HealthCheckPath = aws.String("ping")
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "InvalidParameterException", "forward slash"},
		{"min above max", func() error {
			in := webInput()
			in.ServiceName = aws.String("other")
			in.ScalingTarget = &types.ExpressGatewayScalingTarget{MinTaskCount: aws.Int32(5), MaxTaskCount: aws.Int32(2)}
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "InvalidParameterException", "minTaskCount (5) cannot be greater than maxTaskCount (2)"},
		{"bad Fargate size", func() error {
			in := webInput()
			in.ServiceName = aws.String("other")
			in.Cpu = aws.String("256")
			in.Memory = aws.String("8192")
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "ClientException", ""},
		{"name taken", func() error {
			_, err := raw.CreateExpressGatewayService(ctx(t), webInput())
			return err
		}, "InvalidParameterException", "Creation of service was not idempotent."},
		{"unknown cluster", func() error {
			in := webInput()
			in.Cluster = aws.String("nope")
			_, err := raw.CreateExpressGatewayService(ctx(t), in)
			return err
		}, "ClusterNotFoundException", "Cluster not found."},
		{"describe not an ARN", func() error {
			_, err := raw.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: aws.String("web")})
			return err
		}, "InvalidParameterException", "Invalid service ARN: web"},
		{"describe unknown", func() error {
			_, err := raw.DescribeExpressGatewayService(ctx(t), &sdkecs.DescribeExpressGatewayServiceInput{ServiceArn: unknown})
			return err
		}, "ResourceNotFoundException", "does not exist"},
		{"update unknown", func() error {
			_, err := raw.UpdateExpressGatewayService(ctx(t), &sdkecs.UpdateExpressGatewayServiceInput{ServiceArn: unknown, Cpu: aws.String("512")})
			return err
		}, "ServiceNotFoundException", "Service not found."},
		{"delete unknown", func() error {
			_, err := raw.DeleteExpressGatewayService(ctx(t), &sdkecs.DeleteExpressGatewayServiceInput{ServiceArn: unknown})
			return err
		}, "ServiceNotFoundException", "Service not found."},
	} {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), tc.code, tc.msg) })
	}
	if _, err := raw.DeleteExpressGatewayService(ctx(t), &sdkecs.DeleteExpressGatewayServiceInput{ServiceArn: s.ServiceArn}); err != nil {
		t.Fatal(err)
	}
	_, err := raw.DeleteExpressGatewayService(ctx(t), &sdkecs.DeleteExpressGatewayServiceInput{ServiceArn: s.ServiceArn})
	assertAPIError(t, err, "ServiceNotActiveException", "Service was not ACTIVE.")
	_, err = raw.UpdateExpressGatewayService(ctx(t), &sdkecs.UpdateExpressGatewayServiceInput{ServiceArn: s.ServiceArn, Cpu: aws.String("512")})
	assertAPIError(t, err, "ServiceNotActiveException", "Service was not ACTIVE.")
}
