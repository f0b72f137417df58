package httpapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// TestFirstProblemReadsAsECS sends the common bad inputs of RegisterTaskDefinition,
// CreateService, UpdateService, RunTask and CreateCluster through the Go SDK and checks
// the exception and that the message starts with ECS's own text for the first problem
// (ecsmini may list further problems after it). The texts are ECS's as seen in real
// ECS output quoted by users, tools and the AWS documentation; inputs whose ECS text
// is not on record are covered by the operations' own tests, not here.
func TestFirstProblemReadsAsECS(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	e.fargateCluster(t, "fg")
	e.createCluster(t, "gone")
	must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("gone")}))
	e.register(t, "ec2only") // EC2-compatible, bridge
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateTD("fgtd")))
	must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"),
		ServiceName: aws.String("web"), TaskDefinition: aws.String("ec2only"), DesiredCount: aws.Int32(0)}))
	must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"),
		ServiceName: aws.String("old"), TaskDefinition: aws.String("ec2only"), DesiredCount: aws.Int32(0)}))
	must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("old")}))
	e.settle(t)

	td := func(change func(in *sdkecs.RegisterTaskDefinitionInput)) func(context.Context) error {
		return func(c context.Context) error {
			in := minimalTaskDef("fam")
			change(in)
			_, err := e.ecs.RegisterTaskDefinition(c, in)
			return err
		}
	}
	fg := func(change func(in *sdkecs.RegisterTaskDefinitionInput)) func(context.Context) error {
		return func(c context.Context) error {
			in := fargateTD("fam")
			change(in)
			_, err := e.ecs.RegisterTaskDefinition(c, in)
			return err
		}
	}
	createService := func(change func(in *sdkecs.CreateServiceInput)) func(context.Context) error {
		return func(c context.Context) error {
			in := &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("svc"),
				TaskDefinition: aws.String("ec2only"), DesiredCount: aws.Int32(1)}
			change(in)
			_, err := e.ecs.CreateService(c, in)
			return err
		}
	}
	updateService := func(change func(in *sdkecs.UpdateServiceInput)) func(context.Context) error {
		return func(c context.Context) error {
			in := &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web")}
			change(in)
			_, err := e.ecs.UpdateService(c, in)
			return err
		}
	}
	runTask := func(change func(in *sdkecs.RunTaskInput)) func(context.Context) error {
		return func(c context.Context) error {
			in := &sdkecs.RunTaskInput{Cluster: aws.String("fg"), TaskDefinition: aws.String("fgtd"),
				LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpcConfig("subnet-1")}
			change(in)
			_, err := e.ecs.RunTask(c, in)
			return err
		}
	}
	const (
		client  = "ClientException"
		invalid = "InvalidParameterException"
	)
	for _, tc := range []struct {
		name, code, msg string
		call            func(context.Context) error
	}{
		// RegisterTaskDefinition
		{"td: family blank", client, "Family can not be blank.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.Family = aws.String("") })},
		{"td: family pattern", client, "Family contains invalid characters.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.Family = aws.String("bad family!") })},
		{"td: no containers", client, "Container list cannot be empty.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions = []types.ContainerDefinition{} })},
		{"td: container name blank", client, "Container.name should not be null or empty.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Name = aws.String("") })},
		{"td: container name pattern", client, "Container.name contains invalid characters.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Name = aws.String("a b") })},
		{"td: image blank", client, "Container.image should not be null or empty.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Image = nil })},
		{"td: no memory on EC2", client, "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Memory = nil })},
		{"td: duplicate container names", client, "Container names must be unique within a Task Definition.", td(func(in *sdkecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions = append(in.ContainerDefinitions, in.ContainerDefinitions[0])
		})},
		{"td: no essential container", client, "Task definition doesn't have any essential container.", td(func(in *sdkecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Essential = aws.Bool(false) })},
		{"td: awsvpc ports differ", client, "When networkMode=awsvpc, the host ports and container ports in port mappings must match.", td(func(in *sdkecs.RegisterTaskDefinitionInput) {
			in.NetworkMode = types.NetworkModeAwsvpc
			in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
		})},
		{"td: Fargate on bridge", client, "Fargate only supports network mode ‘awsvpc’.", fg(func(in *sdkecs.RegisterTaskDefinitionInput) { in.NetworkMode = types.NetworkModeBridge })},
		{"td: Fargate without cpu", client, "Fargate requires that 'cpu' be defined at the task level.", fg(func(in *sdkecs.RegisterTaskDefinitionInput) { in.Cpu = nil })},
		{"td: Fargate size out of the table", client, "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.", fg(func(in *sdkecs.RegisterTaskDefinitionInput) { in.Memory = aws.String("4096") })},

		// CreateService
		{"create service: unknown cluster", "ClusterNotFoundException", "Cluster not found.", createService(func(in *sdkecs.CreateServiceInput) { in.Cluster = aws.String("ghost") })},
		{"create service: inactive cluster", "ClusterNotFoundException", "The referenced cluster was inactive.", createService(func(in *sdkecs.CreateServiceInput) { in.Cluster = aws.String("gone") })},
		{"create service: unknown task definition", client, "TaskDefinition not found.", createService(func(in *sdkecs.CreateServiceInput) { in.TaskDefinition = aws.String("ghost:1") })},
		{"create service: launch type the task definition lacks", invalid, "Task definition does not support launch_type FARGATE.", createService(func(in *sdkecs.CreateServiceInput) {
			in.LaunchType = types.LaunchTypeFargate
			in.NetworkConfiguration = awsvpcConfig("subnet-1")
		})},
		{"create service: awsvpc without network configuration", invalid, "Network Configuration must be provided when networkMode 'awsvpc' is specified.", createService(func(in *sdkecs.CreateServiceInput) {
			in.Cluster, in.TaskDefinition, in.LaunchType = aws.String("fg"), aws.String("fgtd"), types.LaunchTypeFargate
		})},
		{"create service: no subnets", invalid, "subnets can not be empty.", createService(func(in *sdkecs.CreateServiceInput) {
			in.Cluster, in.TaskDefinition, in.LaunchType = aws.String("fg"), aws.String("fgtd"), types.LaunchTypeFargate
			in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{}}}
		})},
		{"create service: launch type and strategy", invalid, "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.", createService(func(in *sdkecs.CreateServiceInput) {
			in.LaunchType = types.LaunchTypeEc2
			in.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}
		})},
		{"create service: name taken", invalid, "Creation of service was not idempotent.", createService(func(in *sdkecs.CreateServiceInput) {
			in.ServiceName, in.DesiredCount = aws.String("web"), aws.Int32(3)
		})},

		// UpdateService
		{"update service: unknown cluster", "ClusterNotFoundException", "Cluster not found.", updateService(func(in *sdkecs.UpdateServiceInput) { in.Cluster = aws.String("ghost") })},
		{"update service: unknown service", "ServiceNotFoundException", "Service not found.", updateService(func(in *sdkecs.UpdateServiceInput) { in.Service = aws.String("ghost") })},
		{"update service: deleted service", "ServiceNotActiveException", "Service was not ACTIVE.", updateService(func(in *sdkecs.UpdateServiceInput) { in.Service = aws.String("old") })},
		{"update service: unknown task definition", client, "TaskDefinition not found.", updateService(func(in *sdkecs.UpdateServiceInput) { in.TaskDefinition = aws.String("ghost:3") })},

		// RunTask
		{"run task: unknown cluster", "ClusterNotFoundException", "Cluster not found.", runTask(func(in *sdkecs.RunTaskInput) { in.Cluster = aws.String("ghost") })},
		{"run task: inactive cluster", "ClusterNotFoundException", "The referenced cluster was inactive.", runTask(func(in *sdkecs.RunTaskInput) { in.Cluster = aws.String("gone") })},
		{"run task: awsvpc without network configuration", invalid, "Network Configuration must be provided when networkMode 'awsvpc' is specified.", runTask(func(in *sdkecs.RunTaskInput) { in.NetworkConfiguration = nil })},
		{"run task: no subnets", invalid, "subnets can not be empty.", runTask(func(in *sdkecs.RunTaskInput) {
			in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{}}}
		})},
		{"run task: launch type the task definition lacks", invalid, "Task definition does not support launch_type FARGATE.", runTask(func(in *sdkecs.RunTaskInput) { in.TaskDefinition = aws.String("ec2only") })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(ctx(t))
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want %s %q, got %v", tc.code, tc.msg, err)
			}
			if ae.ErrorCode() != tc.code || !strings.HasPrefix(ae.ErrorMessage(), tc.msg) {
				t.Fatalf("want %s starting %q,\n got %s: %q", tc.code, tc.msg, ae.ErrorCode(), ae.ErrorMessage())
			}
		})
	}
}

// fargateTD is a valid Fargate task definition for family.
func fargateTD(family string) *sdkecs.RegisterTaskDefinitionInput {
	in := minimalTaskDef(family)
	in.RequiresCompatibilities = []types.Compatibility{types.CompatibilityFargate}
	in.NetworkMode = types.NetworkModeAwsvpc
	in.Cpu, in.Memory = aws.String("256"), aws.String("512")
	in.ContainerDefinitions[0].Memory = nil
	return in
}
