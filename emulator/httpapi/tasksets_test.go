package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestTaskSetsOnECSControllerService: ECS refuses task set management on a service
// with the ECS deployment controller (the only kind ecsmini has) and describes none.
func TestTaskSetsOnECSControllerService(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	e.register(t, "fam")
	if _, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("s"),
		TaskDefinition: aws.String("fam"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	const refused = "Amazon ECS only supports task set management on services configured to use external deployment controllers."
	c, s := aws.String("c1"), aws.String("s")
	for name, call := range map[string]func() error{
		"CreateTaskSet": func() error {
			_, err := e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s, TaskDefinition: aws.String("fam")})
			return err
		},
		"UpdateTaskSet": func() error {
			_, err := e.ecs.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String("ecs-svc/1"), Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 100}})
			return err
		},
		"DeleteTaskSet": func() error {
			_, err := e.ecs.DeleteTaskSet(ctx(t), &sdkecs.DeleteTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String("ecs-svc/1")})
			return err
		},
		"UpdateServicePrimaryTaskSet": func() error {
			_, err := e.ecs.UpdateServicePrimaryTaskSet(ctx(t), &sdkecs.UpdateServicePrimaryTaskSetInput{Cluster: c, Service: s, PrimaryTaskSet: aws.String("ecs-svc/1")})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { assertAPIError(t, call(), "InvalidParameterException", refused) })
	}
	out, err := e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: s, TaskSets: []string{"ecs-svc/1"}})
	if err != nil || len(out.TaskSets) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("DescribeTaskSets: %v %+v", err, out)
	}
	_, err = e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: aws.String("nope")})
	assertAPIError(t, err, "ServiceNotFoundException", "Service not found.")
}
