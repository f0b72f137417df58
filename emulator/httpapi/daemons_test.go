package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestDaemonLifecycle: daemon task definitions are numbered per family; a daemon on a
// cluster's EC2 capacity provider gets a revision and a deployment on create, update
// and delete.
func TestDaemonLifecycle(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	cp := e.createProvider(t, "asg1", types.ManagedScalingStatusDisabled)
	if _, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{Cluster: aws.String("c1"),
		CapacityProviders: []string{"asg1"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	reg := func() string {
		out, err := e.ecs.RegisterDaemonTaskDefinition(ctx(t), &sdkecs.RegisterDaemonTaskDefinitionInput{Family: aws.String("agent"),
			ContainerDefinitions: []types.DaemonContainerDefinition{{Name: aws.String("log"), Image: aws.String("fluent-bit:latest")}}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.DaemonTaskDefinitionArn)
	}
	v1, v2 := reg(), reg()
	if v1 != arn("daemon-task-definition/agent:1") || v2 != arn("daemon-task-definition/agent:2") {
		t.Errorf("revisions %s %s", v1, v2)
	}
	_, err := e.ecs.RegisterDaemonTaskDefinition(ctx(t), &sdkecs.RegisterDaemonTaskDefinitionInput{Family: aws.String("agent"),
		ContainerDefinitions: []types.DaemonContainerDefinition{{Name: aws.String("log")}}}, skipValidation)
	assertAPIError(t, err, "ClientException", "Container.image should not be null or empty.")
	d, err := e.ecs.DescribeDaemonTaskDefinition(ctx(t), &sdkecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("agent")})
	if err != nil || d.DaemonTaskDefinition.Revision != 2 || aws.ToString(d.DaemonTaskDefinition.ContainerDefinitions[0].Image) != "fluent-bit:latest" {
		t.Fatalf("DescribeDaemonTaskDefinition: %v %+v", err, d)
	}
	created, err := e.ecs.CreateDaemon(ctx(t), &sdkecs.CreateDaemonInput{DaemonName: aws.String("logs"), ClusterArn: aws.String(arn("cluster/c1")),
		DaemonTaskDefinitionArn: aws.String(v1), CapacityProviderArns: []string{aws.ToString(cp.CapacityProviderArn)}})
	if err != nil || aws.ToString(created.DaemonArn) != arn("daemon/c1/logs") || created.Status != types.DaemonStatusActive {
		t.Fatalf("CreateDaemon: %v %+v", err, created)
	}
	_, err = e.ecs.CreateDaemon(ctx(t), &sdkecs.CreateDaemonInput{DaemonName: aws.String("f"), ClusterArn: aws.String("c1"),
		DaemonTaskDefinitionArn: aws.String(v1), CapacityProviderArns: []string{"FARGATE"}})
	assertAPIError(t, err, "InvalidParameterException", "Daemons run on container instances: the capacity provider FARGATE is a Fargate capacity provider.")
	up, err := e.ecs.UpdateDaemon(ctx(t), &sdkecs.UpdateDaemonInput{DaemonArn: created.DaemonArn, DaemonTaskDefinitionArn: aws.String(v2),
		CapacityProviderArns: []string{"asg1"}})
	if err != nil || aws.ToString(up.DeploymentArn) == aws.ToString(created.DeploymentArn) {
		t.Fatalf("UpdateDaemon: %v %+v", err, up)
	}
	deps, err := e.ecs.ListDaemonDeployments(ctx(t), &sdkecs.ListDaemonDeploymentsInput{DaemonArn: created.DaemonArn})
	if err != nil || len(deps.DaemonDeployments) != 2 || aws.ToString(deps.DaemonDeployments[0].DaemonDeploymentArn) != aws.ToString(up.DeploymentArn) {
		t.Fatalf("ListDaemonDeployments: %v %+v", err, deps)
	}
	dd, err := e.ecs.DescribeDaemonDeployments(ctx(t), &sdkecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{aws.ToString(up.DeploymentArn)}})
	if err != nil || len(dd.DaemonDeployments) != 1 || len(dd.DaemonDeployments[0].SourceDaemonRevisions) != 1 {
		t.Fatalf("DescribeDaemonDeployments: %v %+v", err, dd)
	}
	target := aws.ToString(dd.DaemonDeployments[0].TargetDaemonRevision.Arn)
	revs, err := e.ecs.DescribeDaemonRevisions(ctx(t), &sdkecs.DescribeDaemonRevisionsInput{DaemonRevisionArns: []string{target}})
	if err != nil || len(revs.DaemonRevisions) != 1 || aws.ToString(revs.DaemonRevisions[0].DaemonTaskDefinitionArn) != v2 {
		t.Fatalf("DescribeDaemonRevisions: %v %+v", err, revs)
	}
	desc, err := e.ecs.DescribeDaemon(ctx(t), &sdkecs.DescribeDaemonInput{DaemonArn: created.DaemonArn})
	if err != nil || len(desc.Daemon.CurrentRevisions) != 1 || aws.ToString(desc.Daemon.CurrentRevisions[0].Arn) != target {
		t.Fatalf("DescribeDaemon: %v %+v", err, desc)
	}
	list, err := e.ecs.ListDaemons(ctx(t), &sdkecs.ListDaemonsInput{ClusterArn: aws.String("c1")})
	if err != nil || len(list.DaemonSummariesList) != 1 {
		t.Fatalf("ListDaemons: %v %+v", err, list)
	}
	del, err := e.ecs.DeleteDaemon(ctx(t), &sdkecs.DeleteDaemonInput{DaemonArn: created.DaemonArn})
	if err != nil || del.Status != types.DaemonStatusDeleteInProgress {
		t.Fatalf("DeleteDaemon: %v %+v", err, del)
	}
	if _, err := e.ecs.DeleteDaemonTaskDefinition(ctx(t), &sdkecs.DeleteDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("agent:1")}); err != nil {
		t.Fatal(err)
	}
	tds, err := e.ecs.ListDaemonTaskDefinitions(ctx(t), &sdkecs.ListDaemonTaskDefinitionsInput{})
	if err != nil || len(tds.DaemonTaskDefinitions) != 1 || aws.ToString(tds.DaemonTaskDefinitions[0].Arn) != v2 {
		t.Fatalf("ListDaemonTaskDefinitions: %v %+v", err, tds)
	}
}
