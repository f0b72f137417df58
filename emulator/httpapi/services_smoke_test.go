package httpapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestServiceReachesSteadyState(t *testing.T) {
	e := newServiceEnv(t)
	td := e.register(t, "web")
	out, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{ServiceName: aws.String("web"),
		TaskDefinition: td.TaskDefinitionArn, DesiredCount: aws.Int32(3)})
	if err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	if got := aws.ToString(out.Service.Status); got != "ACTIVE" {
		t.Fatalf("status %s", got)
	}
	e.eventuallyService(t, "default", "web", "runs 3 tasks", func(s types.Service) bool { return s.RunningCount == 3 })
	e.clock.Advance(41 * time.Second)
	s := e.eventuallyService(t, "default", "web", "is steady", func(s types.Service) bool {
		return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
	t.Log(eventsOf(s))
}

func TestServiceAndTaskTags(t *testing.T) {
	e := newServiceEnv(t)
	td := e.register(t, "web")
	out, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{ServiceName: aws.String("web"),
		TaskDefinition: td.TaskDefinitionArn, DesiredCount: aws.Int32(1),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	arn := out.Service.ServiceArn
	if _, err := e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatalf("TagResource service: %v", err)
	}
	if got := e.tags(t, aws.ToString(arn)); len(got) != 2 || got["team"] != "a" || got["env"] != "dev" {
		t.Fatalf("service tags %v", got)
	}
	s := e.eventuallyService(t, "default", "web", "runs a task", func(s types.Service) bool { return s.RunningCount == 1 })
	if len(s.Tags) != 0 {
		t.Errorf("DescribeServices without include TAGS shows tags %v", s.Tags)
	}
	tasks := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{ServiceName: aws.String("web")}))
	if _, err := e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(tasks.TaskArns[0]), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatalf("TagResource task: %v", err)
	}
	if got := e.tags(t, tasks.TaskArns[0]); got["k"] != "v" {
		t.Fatalf("task tags %v", got)
	}
	if _, err := e.ecs.ListTagsForResource(ctx(t), &sdkecs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service/default/nope")}); err == nil {
		t.Fatal("tags of a missing service: no error")
	}
}
