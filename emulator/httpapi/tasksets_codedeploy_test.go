package httpapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestCodeDeployService: a CODE_DEPLOY service starts with one PRIMARY task set; an
// UpdateService with a new task definition (what CodeDeploy would be asked to deploy)
// makes a replacement set, shifts the production target group's traffic to it all at
// once, makes it PRIMARY and removes the original.
func TestCodeDeployService(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	web1 := e.sxRegister(t, sxWebDef("web"))
	c, s := aws.String("c1"), aws.String("s")
	lb := []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}
	cd := &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}

	_, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(2), DeploymentController: cd})
	assertAPIError(t, err, "InvalidParameterException", "A load balancer is required for services with the CODE_DEPLOY deployment controller.")
	_, err = e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, DesiredCount: aws.Int32(2),
		DeploymentController: cd, LoadBalancers: lb})
	assertAPIError(t, err, "InvalidParameterException", "TaskDefinition can not be blank.")

	svc := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(2), DeploymentController: cd, LoadBalancers: lb})
	if len(svc.TaskSets) != 1 || aws.ToString(svc.TaskSets[0].Status) != "PRIMARY" || len(svc.Deployments) != 0 {
		t.Fatalf("created: task sets %+v deployments %d", svc.TaskSets, len(svc.Deployments))
	}
	original := aws.ToString(svc.TaskSets[0].Id)
	e.settle(t)
	blue := sxLive(e.sxTasks(t, "c1", "s"))
	if len(blue) != 2 || len(e.tsTargets(sxTG)) != 2 {
		t.Fatalf("original set: tasks %s targets %v", sxSummary(blue), e.tsTargets(sxTG))
	}

	// Task set management stays with the deployments; describing works.
	for name, call := range tsManagement(e.ecs, c, s) {
		t.Run(name, func(t *testing.T) {
			assertAPIError(t, call(t), "InvalidParameterException", "Amazon ECS only supports task set management on services configured to use external deployment controllers.")
		})
	}
	_, err = e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: c, Service: s, PlatformVersion: aws.String("1.4.0")})
	assertAPIError(t, err, "InvalidParameterException", "Unable to update platform version on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.")

	web2 := e.sxRegister(t, sxWebDef("web"))
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: c, Service: s, TaskDefinition: aws.String(web2)})
	if len(up.TaskSets) != 2 || aws.ToString(up.TaskDefinition) != web1 {
		t.Fatalf("updated: task sets %d td %s", len(up.TaskSets), aws.ToString(up.TaskDefinition))
	}
	_, err = e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: c, Service: s, TaskDefinition: aws.String(web2)})
	assertAPIError(t, err, "InvalidParameterException", "A deployment is already in progress")

	// The replacement's targets turn healthy on the local balancer's health checks,
	// then the original's drain.
	svc2, _ := e.sxAdvanceUntil(t, "c1", "s", "finishes the deployment", time.Second, 10*time.Minute, nil, func(s types.Service) bool {
		return len(s.TaskSets) == 1 && aws.ToString(s.TaskSets[0].Id) != original && s.RunningCount == 2 && len(sxLive(e.sxTasks(t, "c1", "s"))) == 2
	})
	svc = &svc2
	if len(svc.TaskSets) != 1 || aws.ToString(svc.TaskSets[0].Id) == original || aws.ToString(svc.TaskSets[0].Status) != "PRIMARY" ||
		aws.ToString(svc.TaskSets[0].TaskDefinition) != web2 || aws.ToString(svc.TaskDefinition) != web2 ||
		svc.TaskSets[0].StabilityStatus != types.StabilityStatusSteadyState || aws.ToString(svc.TaskSets[0].StartedBy) != "CODE_DEPLOY" {
		t.Fatalf("after the deployment: td %s task sets %v\nevents %v\nbalancers %+v", aws.ToString(svc.TaskDefinition), tsStates(svc.TaskSets), tsEventTimes(*svc), e.emu.LoadBalancers())
	}
	green := sxLive(e.sxTasks(t, "c1", "s"))
	var ids []string
	for _, task := range green {
		if aws.ToString(task.TaskDefinitionArn) != web2 {
			t.Errorf("live task of %s", aws.ToString(task.TaskDefinitionArn))
		}
		ids = append(ids, aws.ToString(task.TaskArn))
	}
	slices.Sort(ids)
	if got := e.tsTargets(sxTG); len(green) != 2 || !slices.Equal(got, ids) {
		t.Fatalf("production targets %v, want the replacement's tasks %v", got, ids)
	}
	events := strings.Join(eventsOf(*svc), "\n")
	for _, want := range []string{"production traffic shifted to the replacement task set", "is now the primary task set",
		"registered 2 targets in (target-group " + sxTG + ")", "has begun draining connections on 2 tasks."} {
		if !strings.Contains(events, want) {
			t.Errorf("no event with %q in\n%s", want, events)
		}
	}
}

// TestTaskSetErrors: ECS's exceptions for bad task set and EXTERNAL service requests.
func TestTaskSetErrors(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	e.sxRegister(t, sxWebDef("web"))
	c, s := aws.String("c1"), aws.String("s")
	ext := &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}
	_, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, DesiredCount: aws.Int32(1),
		DeploymentController: ext, TaskDefinition: aws.String("web")})
	assertAPIError(t, err, "InvalidParameterException", "taskDefinition can not be specified for a service with the EXTERNAL deployment controller")
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, DesiredCount: aws.Int32(1), DeploymentController: ext})
	set := must[*sdkecs.CreateTaskSetOutput](t)(e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s,
		TaskDefinition: aws.String("web"), ClientToken: aws.String("tok")})).TaskSet
	again := must[*sdkecs.CreateTaskSetOutput](t)(e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s,
		TaskDefinition: aws.String("web"), ClientToken: aws.String("tok")})).TaskSet
	if aws.ToString(again.Id) != aws.ToString(set.Id) || set.Scale.Value != 100 || set.ComputedDesiredCount != 1 {
		t.Errorf("idempotent create: %s vs %s, scale %v computed %d", aws.ToString(again.Id), aws.ToString(set.Id), set.Scale.Value, set.ComputedDesiredCount)
	}
	for _, tc := range []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"update unknown set", func() error {
			_, err := e.ecs.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String("ecs-svc/1"), Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 10}})
			return err
		}, "TaskSetNotFoundException", "The specified task set does not exist."},
		{"scale above 100", func() error {
			_, err := e.ecs.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: c, Service: s, TaskSet: set.Id, Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 150}})
			return err
		}, "InvalidParameterException", "Scale value must be between 0 and 100."},
		{"delete unknown set", func() error {
			_, err := e.ecs.DeleteTaskSet(ctx(t), &sdkecs.DeleteTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String("ecs-svc/1")})
			return err
		}, "TaskSetNotFoundException", "The specified task set does not exist."},
		{"primary unknown set", func() error {
			_, err := e.ecs.UpdateServicePrimaryTaskSet(ctx(t), &sdkecs.UpdateServicePrimaryTaskSetInput{Cluster: c, Service: s, PrimaryTaskSet: aws.String("ecs-svc/1")})
			return err
		}, "TaskSetNotFoundException", "The specified task set does not exist."},
		{"unknown task definition", func() error {
			_, err := e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s, TaskDefinition: aws.String("nope")})
			return err
		}, "ClientException", "TaskDefinition not found."},
		{"load balancer container missing", func() error {
			_, err := e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s, TaskDefinition: aws.String("web"),
				LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("Frontend"), ContainerPort: aws.Int32(80)}}})
			return err
		}, "InvalidParameterException", "The container Frontend does not exist in the task definition."},
		{"unknown service", func() error {
			_, err := e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: aws.String("nope"), TaskDefinition: aws.String("web")})
			return err
		}, "ServiceNotFoundException", "Service not found."},
		{"update task definition of EXTERNAL service", func() error {
			_, err := e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: c, Service: s, TaskDefinition: aws.String("web")})
			return err
		}, "InvalidParameterException", "Unable to update task definition on services with a EXTERNAL deployment controller."},
		{"change the controller", func() error {
			_, err := e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: c, Service: s, DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeEcs}})
			return err
		}, "InvalidParameterException", "Unable to update the deployment controller"},
	} {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), tc.code, tc.msg) })
	}
	out := must[*sdkecs.DescribeTaskSetsOutput](t)(e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: s,
		TaskSets: []string{aws.ToString(set.TaskSetArn), "ecs-svc/1"}}))
	if len(out.TaskSets) != 1 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Arn) != "ecs-svc/1" || out.TaskSets[0].Tags != nil {
		t.Errorf("describe: %+v", out)
	}
}

func tsStates(sets []types.TaskSet) []string {
	var out []string
	for _, ts := range sets {
		out = append(out, aws.ToString(ts.Id)+" "+tsSummary(ts))
	}
	return out
}

func tsEventTimes(s types.Service) []string {
	var out []string
	for _, ev := range s.Events {
		out = append(out, ev.CreatedAt.Format("15:04:05")+" "+aws.ToString(ev.Message)+"\n")
	}
	return out
}
