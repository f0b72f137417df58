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
