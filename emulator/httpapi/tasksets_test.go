package httpapi_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/events"
)

// Task sets (issue 15): the EXTERNAL deployment controller's task set operations and
// the CODE_DEPLOY services whose deployments ecsmini drives itself, through the SDK on
// the simulated runtime with the fake clock.

const tsTG2 = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/0123456789abcdef"

// TestTaskSetsOnECSControllerService: ECS refuses task set management on a service
// with the ECS deployment controller and describes none.
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
	for name, call := range tsManagement(e.ecs, c, s) {
		t.Run(name, func(t *testing.T) { assertAPIError(t, call(t), "InvalidParameterException", refused) })
	}
	out, err := e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: s, TaskSets: []string{"ecs-svc/1"}})
	if err != nil || len(out.TaskSets) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("DescribeTaskSets: %v %+v", err, out)
	}
	_, err = e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: aws.String("nope")})
	assertAPIError(t, err, "ServiceNotFoundException", "Service not found.")
}

// tsManagement are the four task set calls that need an EXTERNAL service.
func tsManagement(c *sdkecs.Client, cluster, service *string) map[string]func(t *testing.T) error {
	return map[string]func(t *testing.T) error{
		"CreateTaskSet": func(t *testing.T) error {
			_, err := c.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: cluster, Service: service, TaskDefinition: aws.String("fam")})
			return err
		},
		"UpdateTaskSet": func(t *testing.T) error {
			_, err := c.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: cluster, Service: service, TaskSet: aws.String("ecs-svc/1"), Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 100}})
			return err
		},
		"DeleteTaskSet": func(t *testing.T) error {
			_, err := c.DeleteTaskSet(ctx(t), &sdkecs.DeleteTaskSetInput{Cluster: cluster, Service: service, TaskSet: aws.String("ecs-svc/1")})
			return err
		},
		"UpdateServicePrimaryTaskSet": func(t *testing.T) error {
			_, err := c.UpdateServicePrimaryTaskSet(ctx(t), &sdkecs.UpdateServicePrimaryTaskSetInput{Cluster: cluster, Service: service, PrimaryTaskSet: aws.String("ecs-svc/1")})
			return err
		},
	}
}

// tsDescribe describes one task set of c1/s, with tags.
func (e *taskEnv) tsDescribe(t testing.TB, id string) types.TaskSet {
	t.Helper()
	out, err := e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: aws.String("c1"), Service: aws.String("s"),
		TaskSets: []string{id}, Include: []types.TaskSetField{types.TaskSetFieldTags}})
	if err != nil || len(out.TaskSets) != 1 {
		t.Fatalf("DescribeTaskSets %s: %v %+v", id, err, out)
	}
	return out.TaskSets[0]
}

func tsSummary(ts types.TaskSet) string {
	return aws.ToString(ts.Status) + " " + string(ts.StabilityStatus) + " computed " + itoa(ts.ComputedDesiredCount) +
		" running " + itoa(ts.RunningCount) + " pending " + itoa(ts.PendingCount)
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// tsTargets are the targets of the local load balancer of a target group.
func (e *taskEnv) tsTargets(tg string) []string {
	for _, b := range e.emu.LoadBalancers() {
		if b.TargetGroupArn == tg {
			var out []string
			for _, target := range b.Targets {
				if target.State != "draining" {
					out = append(out, target.ID)
				}
			}
			slices.Sort(out)
			return out
		}
	}
	return nil
}

// TestExternalTaskSets walks an EXTERNAL service through every task set operation:
// sets run real tasks at their scale of the service's desired count, register them
// with their target group, follow desiredCount, change primary, and drain when deleted.
func TestExternalTaskSets(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	web := e.sxRegister(t, sxWebDef("web"))
	c, s := aws.String("c1"), aws.String("s")

	svc := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: c, ServiceName: s, DesiredCount: aws.Int32(4),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}})
	if svc.DeploymentController.Type != types.DeploymentControllerTypeExternal || len(svc.Deployments) != 0 || len(svc.TaskSets) != 0 || svc.TaskDefinition != nil {
		t.Fatalf("created: controller %v deployments %d task sets %d td %v", svc.DeploymentController, len(svc.Deployments), len(svc.TaskSets), svc.TaskDefinition)
	}

	lb := []types.LoadBalancer{{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}
	blue, err := e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s, TaskDefinition: aws.String("web"),
		ExternalId: aws.String("blue"), Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 50}, LoadBalancers: lb,
		Tags: []types.Tag{tag("colour", "blue")}})
	if err != nil {
		t.Fatal(err)
	}
	b := blue.TaskSet
	bid := aws.ToString(b.Id)
	if !strings.HasPrefix(bid, "ecs-svc/") || len(bid) != len("ecs-svc/")+19 ||
		aws.ToString(b.TaskSetArn) != arn("task-set/c1/s/"+bid) || aws.ToString(b.ServiceArn) != arn("service/c1/s") ||
		aws.ToString(b.Status) != "ACTIVE" || b.ComputedDesiredCount != 2 || b.StabilityStatus != types.StabilityStatusStabilizing ||
		b.Scale.Value != 50 || b.Scale.Unit != types.ScaleUnitPercent || aws.ToString(b.ExternalId) != "blue" ||
		aws.ToString(b.TaskDefinition) != web || len(b.LoadBalancers) != 1 {
		t.Fatalf("created task set: %+v", b)
	}

	e.settle(t)
	bs := e.tsDescribe(t, bid)
	b = &bs
	if got := tsSummary(bs); got != "ACTIVE STEADY_STATE computed 2 running 2 pending 0" {
		t.Fatalf("blue settled: %s", got)
	}
	if !slices.ContainsFunc(e.emu.Events().History(events.Filter{}, 0), func(ev events.Event) bool {
		return ev.DetailType == events.ServiceAction && strings.Contains(string(ev.Detail), `"TASKSET_STEADY_STATE"`) &&
			strings.Contains(string(ev.Detail), bid) && slices.Equal(ev.Resources, []string{arn("service/c1/s")})
	}) {
		t.Errorf("no ECS Service Action TASKSET_STEADY_STATE for %s", bid)
	}
	if tagMap(b.Tags)["colour"] != "blue" {
		t.Errorf("blue tags %v", b.Tags)
	}
	tasks := sxLive(e.sxTasks(t, "c1", "s"))
	if len(tasks) != 2 {
		t.Fatalf("tasks: %s", sxSummary(tasks))
	}
	var taskIDs []string
	for _, task := range tasks {
		if aws.ToString(task.StartedBy) != bid || aws.ToString(task.Group) != "service:s" {
			t.Errorf("task %s startedBy %s group %s", aws.ToString(task.TaskArn), aws.ToString(task.StartedBy), aws.ToString(task.Group))
		}
		taskIDs = append(taskIDs, aws.ToString(task.TaskArn))
	}
	slices.Sort(taskIDs)
	if got := e.tsTargets(sxTG); !slices.Equal(got, taskIDs) {
		t.Errorf("targets of %s: %v, want %v", sxTG, got, taskIDs)
	}

	green := must[*sdkecs.CreateTaskSetOutput](t)(e.ecs.CreateTaskSet(ctx(t), &sdkecs.CreateTaskSetInput{Cluster: c, Service: s,
		TaskDefinition: aws.String("web"), Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 25},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tsTG2), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}})).TaskSet
	gid := aws.ToString(green.Id)
	if green.ComputedDesiredCount != 1 {
		t.Fatalf("green computed %d, want ceil(4*25%%) = 1", green.ComputedDesiredCount)
	}
	p := must[*sdkecs.UpdateServicePrimaryTaskSetOutput](t)(e.ecs.UpdateServicePrimaryTaskSet(ctx(t), &sdkecs.UpdateServicePrimaryTaskSetInput{
		Cluster: c, Service: s, PrimaryTaskSet: green.TaskSetArn})).TaskSet
	if aws.ToString(p.Status) != "PRIMARY" || aws.ToString(e.tsDescribe(t, bid).Status) != "ACTIVE" {
		t.Fatalf("primary: green %s blue %s", aws.ToString(p.Status), aws.ToString(e.tsDescribe(t, bid).Status))
	}

	u := must[*sdkecs.UpdateTaskSetOutput](t)(e.ecs.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String(bid),
		Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 100}})).TaskSet
	if u.ComputedDesiredCount != 4 || u.StabilityStatus != types.StabilityStatusStabilizing {
		t.Fatalf("scaled blue: %s", tsSummary(*u))
	}
	e.settle(t)
	if got := tsSummary(e.tsDescribe(t, bid)); got != "ACTIVE STEADY_STATE computed 4 running 4 pending 0" {
		t.Fatalf("blue at 100%%: %s", got)
	}
	if got := tsSummary(e.tsDescribe(t, gid)); got != "PRIMARY STEADY_STATE computed 1 running 1 pending 0" {
		t.Fatalf("green: %s", got)
	}
	if got := e.tsTargets(tsTG2); len(got) != 1 {
		t.Errorf("green's target group: %v", got)
	}

	// The service's desiredCount resizes every set; DescribeServices shows the sets,
	// PRIMARY first, and no deployments.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: c, Service: s, DesiredCount: aws.Int32(2)})
	e.settle(t)
	e.advance(t, 10*time.Second) // the scaled-in targets drain
	svc2 := e.service(t, "c1", "s")
	if len(svc2.TaskSets) != 2 || aws.ToString(svc2.TaskSets[0].Id) != gid || len(svc2.Deployments) != 0 ||
		svc2.RunningCount != 3 || aws.ToString(svc2.TaskDefinition) != web {
		t.Fatalf("service: task sets %d deployments %d running %d td %s", len(svc2.TaskSets), len(svc2.Deployments), svc2.RunningCount, aws.ToString(svc2.TaskDefinition))
	}
	if got := tsSummary(svc2.TaskSets[1]); got != "ACTIVE STEADY_STATE computed 2 running 2 pending 0" {
		t.Fatalf("blue after desiredCount 2: %s; tasks %s", got, sxSummary(e.sxTasks(t, "c1", "s")))
	}
	if !slices.ContainsFunc(eventsOf(svc2), func(m string) bool {
		return strings.HasPrefix(m, "(service s, taskSet "+bid+") has started 2 tasks:")
	}) {
		t.Errorf("events: %v", eventsOf(svc2))
	}

	// Deleting: a set still scaling needs force; a deleted set drains, its tasks stop,
	// then it is gone.
	must[*sdkecs.UpdateTaskSetOutput](t)(e.ecs.UpdateTaskSet(ctx(t), &sdkecs.UpdateTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String(bid),
		Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 50}}))
	_, err = e.ecs.DeleteTaskSet(ctx(t), &sdkecs.DeleteTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String(bid)})
	assertAPIError(t, err, "InvalidParameterException", "The task set is scaling and cannot be deleted until it reaches STEADY_STATE")
	d := must[*sdkecs.DeleteTaskSetOutput](t)(e.ecs.DeleteTaskSet(ctx(t), &sdkecs.DeleteTaskSetInput{Cluster: c, Service: s, TaskSet: aws.String(bid), Force: aws.Bool(true)})).TaskSet
	if aws.ToString(d.Status) != "DRAINING" {
		t.Fatalf("deleted: %s", aws.ToString(d.Status))
	}
	e.settle(t)
	e.advance(t, 10*time.Second)
	out := must[*sdkecs.DescribeTaskSetsOutput](t)(e.ecs.DescribeTaskSets(ctx(t), &sdkecs.DescribeTaskSetsInput{Cluster: c, Service: s}))
	if len(out.TaskSets) != 1 || aws.ToString(out.TaskSets[0].Id) != gid {
		t.Fatalf("after delete: %+v", out.TaskSets)
	}
	if live := sxLive(e.sxTasks(t, "c1", "s")); len(live) != 1 || aws.ToString(live[0].StartedBy) != gid {
		t.Fatalf("live tasks after delete: %s", sxSummary(live))
	}
	if got := e.tsTargets(sxTG); len(got) != 0 {
		t.Errorf("blue's target group still has %v", got)
	}

	// Deleting the service stops the rest and ends it.
	e.sxDelete(t, "s")
	e.settle(t)
	e.advance(t, 10*time.Second)
	if st := aws.ToString(e.service(t, "c1", "s").Status); st != "INACTIVE" {
		t.Fatalf("deleted service: %s", st)
	}
}

func (e *taskEnv) sxDelete(t testing.TB, name string) {
	t.Helper()
	if _, err := e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String(name), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}
