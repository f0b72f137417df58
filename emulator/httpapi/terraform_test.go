package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Defects the Terraform AWS provider found (issue 20), each over the SDK.

// serviceConnectTaskDef is the AWS docs' Service Connect port mapping: appProtocol in the
// model's lower case.
func serviceConnectTaskDef(family string, appProtocol types.ApplicationProtocol) *sdkecs.RegisterTaskDefinitionInput {
	return &sdkecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		NetworkMode:             types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("web"), Image: aws.String("nginx:latest"), Essential: aws.Bool(true),
			PortMappings: []types.PortMapping{{
				Name: aws.String("web"), ContainerPort: aws.Int32(80), AppProtocol: appProtocol,
			}},
		}},
	}
}

func TestAppProtocolIsLowerCase(t *testing.T) {
	e := newEnv(t)
	for _, ap := range types.ApplicationProtocol("").Values() {
		out, err := e.ecs.RegisterTaskDefinition(ctx(t), serviceConnectTaskDef("sc-"+string(ap), ap))
		if err != nil {
			t.Fatalf("appProtocol %q refused: %v", ap, err)
		}
		if got := out.TaskDefinition.ContainerDefinitions[0].PortMappings[0].AppProtocol; got != ap {
			t.Errorf("appProtocol %q came back as %q", ap, got)
		}
	}
	_, err := e.ecs.RegisterTaskDefinition(ctx(t), serviceConnectTaskDef("sc-upper", "HTTP"))
	assertAPIError(t, err, "ClientException", "Invalid appProtocol 'HTTP'. Valid values are http, http2 and grpc.")
}

// fargateCluster makes cluster name with the Fargate capacity providers associated.
func (e *env) fargateCluster(t *testing.T, name string) {
	t.Helper()
	e.createCluster(t, name)
	if _, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{Cluster: aws.String(name),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
}

func TestFargateStrategyServiceHasPlatform(t *testing.T) {
	e := newEnv(t)
	e.fargateCluster(t, "c1")
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), serviceConnectTaskDef("web", types.ApplicationProtocolHttp)))
	strategy := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}
	for _, pv := range []string{"", "LATEST"} {
		name := "web" + pv
		in := &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(1),
			NetworkConfiguration: awsvpcConfig("subnet-1"), CapacityProviderStrategy: strategy}
		if pv != "" {
			in.PlatformVersion = aws.String(pv)
		}
		s := must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), in)).Service
		if aws.ToString(s.PlatformVersion) != "LATEST" || aws.ToString(s.PlatformFamily) != "Linux" {
			t.Fatalf("platformVersion %q: service has platform %q/%q, want LATEST/Linux",
				pv, aws.ToString(s.PlatformVersion), aws.ToString(s.PlatformFamily))
		}
		// What Terraform sends when it sees no drift must not start a deployment.
		up := must[*sdkecs.UpdateServiceOutput](t)(e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{
			Cluster: aws.String("c1"), Service: aws.String(name), PlatformVersion: aws.String("LATEST"),
			CapacityProviderStrategy: strategy, DesiredCount: aws.Int32(1)})).Service
		if n := len(up.Deployments); n != 1 {
			t.Fatalf("platformVersion %q: an update that changes nothing left %d deployments, want 1", pv, n)
		}
	}
}

func TestAvailabilityZoneRebalancingDefaults(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	td := e.register(t, "web")
	create := func(name string, azr types.AvailabilityZoneRebalancing) (*sdkecs.CreateServiceOutput, error) {
		return e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: td.TaskDefinitionArn, DesiredCount: aws.Int32(0), AvailabilityZoneRebalancing: azr})
	}
	for _, tc := range []struct {
		name  string
		given types.AvailabilityZoneRebalancing
		want  types.AvailabilityZoneRebalancing
	}{
		{"unset", "", types.AvailabilityZoneRebalancingEnabled},
		{"disabled", types.AvailabilityZoneRebalancingDisabled, types.AvailabilityZoneRebalancingDisabled},
		{"enabled", types.AvailabilityZoneRebalancingEnabled, types.AvailabilityZoneRebalancingEnabled},
	} {
		s := must[*sdkecs.CreateServiceOutput](t)(create(tc.name, tc.given)).Service
		if s.AvailabilityZoneRebalancing != tc.want {
			t.Errorf("%s: availabilityZoneRebalancing %q, want %q", tc.name, s.AvailabilityZoneRebalancing, tc.want)
		}
		up := must[*sdkecs.UpdateServiceOutput](t)(e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{
			Cluster: aws.String("c1"), Service: aws.String(tc.name), DesiredCount: aws.Int32(0)})).Service
		if up.AvailabilityZoneRebalancing != tc.want {
			t.Errorf("%s: an update without it changed availabilityZoneRebalancing to %q", tc.name, up.AvailabilityZoneRebalancing)
		}
	}
	_, err := create("bad", "enabled")
	assertAPIError(t, err, "InvalidParameterException", "Invalid availabilityZoneRebalancing 'enabled'. Valid values: ENABLED, DISABLED.")
}

// The Terraform provider with skip_requesting_account_id builds ARNs with an empty
// account; they are the caller's. Another account's ARN is refused saying so.
func TestEmptyAccountARNsAreTheCallers(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	td := e.register(t, "web")
	must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"),
		ServiceName: aws.String("web"), TaskDefinition: td.TaskDefinitionArn, DesiredCount: aws.Int32(0)}))
	clusterARN := "arn:aws:ecs:us-east-1::cluster/c1"
	cs := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{clusterARN}}))
	if len(cs.Clusters) != 1 || aws.ToString(cs.Clusters[0].ClusterArn) != arn("cluster/c1") {
		t.Fatalf("DescribeClusters(%s): %+v failures %+v", clusterARN, cs.Clusters, cs.Failures)
	}
	ss := must[*sdkecs.DescribeServicesOutput](t)(e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
		Cluster: aws.String(clusterARN), Services: []string{"arn:aws:ecs:us-east-1::service/c1/web"}}))
	if len(ss.Services) != 1 {
		t.Fatalf("DescribeServices by empty-account ARNs: failures %+v", ss.Failures)
	}
	must[*sdkecs.ListTagsForResourceOutput](t)(e.ecs.ListTagsForResource(ctx(t), &sdkecs.ListTagsForResourceInput{ResourceArn: aws.String(clusterARN)}))
	must[*sdkecs.DescribeTaskDefinitionOutput](t)(e.ecs.DescribeTaskDefinition(ctx(t), &sdkecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String("arn:aws:ecs:us-east-1::task-definition/web:1")}))

	_, err := e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
		Cluster: aws.String("arn:aws:ecs:us-east-1:111111111111:cluster/c1"), Services: []string{"web"}})
	assertAPIError(t, err, "InvalidParameterException", "Cluster ARN arn:aws:ecs:us-east-1:111111111111:cluster/c1 names account 111111111111; this ecsmini serves account "+account)
	_, err = e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{
		Cluster: aws.String("arn:aws:ecs:us-east-1::service/c1/web"), Services: []string{"web"}})
	assertAPIError(t, err, "InvalidParameterException", "is not a cluster ARN")
}

// moto's drop-in users (and ECS) see an EFS volume's rootDirectory default to "/".
func TestEFSRootDirectoryDefaults(t *testing.T) {
	e := newEnv(t)
	def := minimalTaskDef("efs")
	def.Volumes = []types.Volume{
		{Name: aws.String("shared"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{FileSystemId: aws.String("fs-12345678")}},
		{Name: aws.String("sub"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{FileSystemId: aws.String("fs-12345678"), RootDirectory: aws.String("/data")}},
	}
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), def)).TaskDefinition
	for i, want := range []string{"/", "/data"} {
		if got := aws.ToString(td.Volumes[i].EfsVolumeConfiguration.RootDirectory); got != want {
			t.Errorf("volume %s: rootDirectory %q, want %q", aws.ToString(td.Volumes[i].Name), got, want)
		}
	}
}
