package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func ebsVolume(name string, size int32) []types.ServiceVolumeConfiguration {
	return []types.ServiceVolumeConfiguration{{Name: aws.String(name), ManagedEBSVolume: &types.ServiceManagedEBSVolumeConfiguration{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/ecsInfrastructureRole"), SizeInGiB: aws.Int32(size)}}}
}

// Managed EBS volumeConfigurations are kept on the deployment, and a change (not a
// repeat) starts a new deployment.
func TestServiceVolumeConfigurations(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	def := minimalTaskDef("data")
	def.Volumes = []types.Volume{{Name: aws.String("data"), ConfiguredAtLaunch: aws.Bool(true)}}
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), def))
	s := must[*sdkecs.CreateServiceOutput](t)(e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"),
		ServiceName: aws.String("db"), TaskDefinition: aws.String("data"), DesiredCount: aws.Int32(0),
		VolumeConfigurations: ebsVolume("data", 10)})).Service
	sizeOf := func(s *types.Service) int32 {
		t.Helper()
		vcs := s.Deployments[0].VolumeConfigurations
		if len(vcs) != 1 || aws.ToString(vcs[0].Name) != "data" || vcs[0].ManagedEBSVolume == nil {
			t.Fatalf("primary deployment's volumeConfigurations %+v", vcs)
		}
		return aws.ToInt32(vcs[0].ManagedEBSVolume.SizeInGiB)
	}
	if got := sizeOf(s); got != 10 {
		t.Fatalf("sizeInGiB %d, want 10", got)
	}
	update := func(vcs []types.ServiceVolumeConfiguration) *types.Service {
		t.Helper()
		return must[*sdkecs.UpdateServiceOutput](t)(e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"),
			Service: aws.String("db"), VolumeConfigurations: vcs})).Service
	}
	if s = update(ebsVolume("data", 10)); len(s.Deployments) != 1 {
		t.Fatalf("the same volumeConfigurations again made %d deployments, want 1", len(s.Deployments))
	}
	if s = update(ebsVolume("data", 20)); len(s.Deployments) != 2 || sizeOf(s) != 20 {
		t.Fatalf("a new size: %d deployments, want 2 with sizeInGiB 20", len(s.Deployments))
	}
	_, err := e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("db"),
		VolumeConfigurations: ebsVolume("logs", 10)})
	assertAPIError(t, err, "InvalidParameterException", "has no volume named logs with configuredAtLaunch set to true")
}
