package httpapi_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The service scheduler seen through DescribeServices and the tasks it runs: counts,
// events, scaling, replacement of stopped and unhealthy tasks, task fields (spec
// §5.2-5.6, §5.9, §7.2).

// sxStartedEvent is ECS's "has started" event for the given task IDs, in any order the
// scheduler listed them; it returns the event found or "".
func sxStartedEvent(s types.Service, ids []string) string {
	for _, m := range eventsOf(s) {
		prefix := fmt.Sprintf("(service %s) has started %d tasks: ", aws.ToString(s.ServiceName), len(ids))
		if !strings.HasPrefix(m, prefix) || !strings.HasSuffix(m, ".") {
			continue
		}
		got := strings.Split(strings.TrimSuffix(strings.TrimPrefix(m, prefix), "."), " ")
		// "(task a) (task b)" splits into "(task", "a)", "(task", "b)".
		var listed []string
		for i := 0; i+1 < len(got); i += 2 {
			if got[i] != "(task" || !strings.HasSuffix(got[i+1], ")") {
				listed = nil
				break
			}
			listed = append(listed, strings.TrimSuffix(got[i+1], ")"))
		}
		slices.Sort(listed)
		want := slices.Clone(ids)
		slices.Sort(want)
		if slices.Equal(listed, want) {
			return m
		}
	}
	return ""
}

// sxStoppedEvent is like sxStartedEvent for "has stopped N running tasks".
func sxStoppedEvent(s types.Service, ids []string) string {
	prefix := fmt.Sprintf("(service %s) has stopped %d running tasks: ", aws.ToString(s.ServiceName), len(ids))
	for _, m := range eventsOf(s) {
		if !strings.HasPrefix(m, prefix) || !strings.HasSuffix(m, ".") {
			continue
		}
		var listed []string
		for _, p := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(m, prefix), "."), ") ") {
			listed = append(listed, strings.TrimSuffix(strings.TrimPrefix(p, "(task "), ")"))
		}
		slices.Sort(listed)
		want := slices.Clone(ids)
		slices.Sort(want)
		if slices.Equal(listed, want) {
			return m
		}
	}
	return ""
}

func TestServiceEventsAndCountsToSteadyState(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("web"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(3)})
	s := e.eventuallyService(t, "c1", "web", "runs 3", func(s types.Service) bool { return s.RunningCount == 3 })
	d := s.Deployments[0]
	switch {
	case s.PendingCount != 0 || s.DesiredCount != 3:
		t.Errorf("service desired %d pending %d", s.DesiredCount, s.PendingCount)
	case d.RunningCount != 3 || d.PendingCount != 0 || d.DesiredCount != 3 || d.FailedTasks != 0:
		t.Errorf("deployment counts desired %d running %d pending %d failed %d", d.DesiredCount, d.RunningCount, d.PendingCount, d.FailedTasks)
	case d.RolloutState != types.DeploymentRolloutStateInProgress:
		// RUNNING for less than 40 s: not healthy yet, so not COMPLETED (spec §5.4).
		t.Errorf("rolloutState %q before the tasks count as healthy", d.RolloutState)
	case len(s.Deployments) != 1 || !stable(s):
		t.Errorf("services-stable condition false with one deployment and running == desired: %v", deploymentsOf(s))
	}
	e.clock.Advance(39 * time.Second)
	e.sxQuiet(t, "c1", "web", "IN_PROGRESS 39 s after RUNNING", func(s types.Service) bool {
		return s.Deployments[0].RolloutState == types.DeploymentRolloutStateInProgress
	})
	e.clock.Advance(2 * time.Second)
	s = e.eventuallyService(t, "c1", "web", "COMPLETED", func(s types.Service) bool {
		return s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted && len(s.Events) >= 3
	})
	tasks := e.sxTasks(t, "c1", "web")
	id := aws.ToString(s.Deployments[0].Id)
	started := sxStartedEvent(s, sxIDs(tasks))
	if started == "" {
		t.Fatalf("no started event naming %v in %q", sxIDs(tasks), eventsOf(s))
	}
	want := []string{
		"(service web) has reached a steady state.",
		"(service web) (deployment " + id + ") deployment completed.",
		started,
	}
	if got := eventsOf(s); !slices.Equal(got, want) {
		t.Errorf("events (newest first)\n got %q\nwant %q", got, want)
	}
	for i := 1; i < len(s.Events); i++ {
		if s.Events[i].CreatedAt.After(*s.Events[i-1].CreatedAt) {
			t.Errorf("event %d is newer than event %d", i, i-1)
		}
		if aws.ToString(s.Events[i].Id) == "" || aws.ToString(s.Events[i].Id) == aws.ToString(s.Events[i-1].Id) {
			t.Errorf("event ids %q %q", aws.ToString(s.Events[i-1].Id), aws.ToString(s.Events[i].Id))
		}
	}
	// The tasks started at testStart: they count as healthy 40 s later, which the
	// scheduler sees between +40 s and the clock's +41 s.
	if at := s.Events[0].CreatedAt; at.Before(testStart.Add(40*time.Second)) || at.After(testStart.Add(41*time.Second)) || !s.Events[2].CreatedAt.Equal(testStart) {
		t.Errorf("event times %v / %v", s.Events[0].CreatedAt, s.Events[2].CreatedAt)
	}
	// Steady state is reported once, not on every pass.
	e.clock.Advance(5 * time.Minute)
	e.sxQuiet(t, "c1", "web", "without new events", func(s types.Service) bool { return len(s.Events) == 3 })
}

// TestServiceTaskFields: tasks carry startedBy = deployment id and group service:NAME,
// and tags as propagateTags and enableECSManagedTags say (spec §7.2).
func TestServiceTaskFields(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	tdIn := sxSimple("tagged")
	tdIn.Tags = []types.Tag{tag("owner", "ops")}
	td := e.sxRegister(t, tdIn)
	for _, tc := range []struct {
		name      string
		propagate types.PropagateTags
		managed   bool
		want      map[string]string
	}{
		{"svc-managed", types.PropagateTagsService, true,
			map[string]string{"team": "blue", "aws:ecs:serviceName": "svc-managed", "aws:ecs:clusterName": "c1"}},
		{"svc", types.PropagateTagsService, false, map[string]string{"team": "blue"}},
		{"taskdef", types.PropagateTagsTaskDefinition, false, map[string]string{"owner": "ops"}},
		{"managed-only", "", true, map[string]string{"aws:ecs:serviceName": "managed-only", "aws:ecs:clusterName": "c1"}},
		{"plain", types.PropagateTagsNone, false, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			created := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(tc.name),
				TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), PropagateTags: tc.propagate,
				EnableECSManagedTags: tc.managed, Tags: []types.Tag{tag("team", "blue")}})
			dep := aws.ToString(created.Deployments[0].Id)
			ts := e.sxEventuallyTasks(t, "c1", tc.name, "2 RUNNING", func(ts []types.Task) bool { return len(sxRunning(ts)) == 2 })
			for _, tk := range ts {
				switch {
				case aws.ToString(tk.StartedBy) != dep:
					t.Errorf("startedBy %q, want %q", aws.ToString(tk.StartedBy), dep)
				case aws.ToString(tk.Group) != "service:"+tc.name:
					t.Errorf("group %q", aws.ToString(tk.Group))
				case aws.ToString(tk.TaskDefinitionArn) != td:
					t.Errorf("taskDefinitionArn %q", aws.ToString(tk.TaskDefinitionArn))
				case aws.ToString(tk.ClusterArn) != arn("cluster/c1"):
					t.Errorf("clusterArn %q", aws.ToString(tk.ClusterArn))
				case tk.LaunchType != types.LaunchTypeEc2:
					t.Errorf("launchType %q", tk.LaunchType)
				}
				if got := tagMap(tk.Tags); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("task tags %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestServiceScaleOutAndIn(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("web"))
	created := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	dep := aws.ToString(created.Deployments[0].Id)
	e.sxSteady(t, "c1", "web")

	for _, step := range []struct {
		desired          int32
		started, stopped int
	}{
		{5, 4, 0},
		{2, 0, 3},
		{3, 1, 0},
		{0, 0, 3},
	} {
		before := e.sxTasks(t, "c1", "web")
		s := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), DesiredCount: aws.Int32(step.desired)})
		if s.DesiredCount != step.desired || len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].Id) != dep {
			t.Fatalf("scale to %d answered desired %d deployments %v", step.desired, s.DesiredCount, deploymentsOf(*s))
		}
		got := e.eventuallyService(t, "c1", "web", fmt.Sprintf("runs %d", step.desired), func(s types.Service) bool {
			return stable(s) && s.PendingCount == 0 && len(sxLive(e.sxTasks(t, "c1", "web"))) == int(step.desired)
		})
		if got.Deployments[0].DesiredCount != step.desired {
			t.Errorf("deployment desiredCount %d, want %d", got.Deployments[0].DesiredCount, step.desired)
		}
		after := e.sxTasks(t, "c1", "web")
		var newTasks, stoppedNow []types.Task
		for _, tk := range after {
			wasThere, wasLive := false, false
			for _, b := range before {
				if aws.ToString(b.TaskArn) == aws.ToString(tk.TaskArn) {
					wasThere, wasLive = true, aws.ToString(b.LastStatus) != "STOPPED"
				}
			}
			switch {
			case !wasThere:
				newTasks = append(newTasks, tk)
			case wasLive && aws.ToString(tk.LastStatus) == "STOPPED":
				stoppedNow = append(stoppedNow, tk)
			}
		}
		if len(newTasks) != step.started || len(stoppedNow) != step.stopped {
			t.Fatalf("scale to %d: started %d stopped %d, want %d and %d\n%s", step.desired, len(newTasks), len(stoppedNow),
				step.started, step.stopped, sxSummary(after))
		}
		for _, tk := range newTasks {
			if aws.ToString(tk.StartedBy) != dep {
				t.Errorf("new task startedBy %q", aws.ToString(tk.StartedBy))
			}
		}
		for _, tk := range stoppedNow {
			if tk.StopCode != types.TaskStopCodeServiceSchedulerInitiated ||
				aws.ToString(tk.StoppedReason) != "Scaling activity initiated by (deployment "+dep+")" {
				t.Errorf("scaled-in task stopCode %q reason %q", tk.StopCode, aws.ToString(tk.StoppedReason))
			}
		}
		if step.started > 0 && sxStartedEvent(got, sxIDs(newTasks)) == "" {
			t.Errorf("no \"has started %d tasks\" event for %v: %q", step.started, sxIDs(newTasks), eventsOf(got))
		}
		if step.stopped > 0 && sxStoppedEvent(got, sxIDs(stoppedNow)) == "" {
			t.Errorf("no \"has stopped %d running tasks\" event for %v: %q", step.stopped, sxIDs(stoppedNow), eventsOf(got))
		}
		e.clock.Advance(41 * time.Second) // the new tasks turn healthy before the next step
	}
}

// TestServiceReplacesStoppedTasks: a task stopped by StopTask or by its own exit is
// replaced; neither counts against the deployment (spec §5.3, §5.7 counts only new
// deployments' failures).
func TestServiceReplacesStoppedTasks(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("web"))
	created := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)})
	dep := aws.ToString(created.Deployments[0].Id)
	e.sxSteady(t, "c1", "web")
	running := sxRunning(e.sxTasks(t, "c1", "web"))
	victim := aws.ToString(running[0].TaskArn)
	stopped := must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("c1"), Task: aws.String(victim),
		Reason: aws.String("chaos test")}))
	if stopped.Task.StopCode != types.TaskStopCodeUserInitiated {
		t.Errorf("StopTask stopCode %q", stopped.Task.StopCode)
	}
	ts := e.sxEventuallyTasks(t, "c1", "web", "replaced", func(ts []types.Task) bool {
		return len(ts) == 3 && len(sxRunning(ts)) == 2
	})
	var replacement types.Task
	for _, tk := range ts {
		switch aws.ToString(tk.TaskArn) {
		case victim:
			if aws.ToString(tk.StoppedReason) != "chaos test" {
				t.Errorf("stopped task reason %q", aws.ToString(tk.StoppedReason))
			}
		case aws.ToString(running[0].TaskArn), aws.ToString(running[1].TaskArn):
		default:
			replacement = tk
		}
	}
	if aws.ToString(replacement.StartedBy) != dep || aws.ToString(replacement.Group) != "service:web" {
		t.Errorf("replacement startedBy %q group %q", aws.ToString(replacement.StartedBy), aws.ToString(replacement.Group))
	}
	s := e.service(t, "c1", "web")
	if sxStartedEvent(s, []string{sxTaskID(aws.ToString(replacement.TaskArn))}) == "" {
		t.Errorf("no started event for the replacement: %q", eventsOf(s))
	}
	d := s.Deployments[0]
	if len(s.Deployments) != 1 || aws.ToString(d.Id) != dep || d.FailedTasks != 0 || d.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Errorf("after a user stop: deployments %v failedTasks %d", deploymentsOf(s), d.FailedTasks)
	}
}

// sxCheckedDef is an EC2 task definition whose essential container has a health
// check (5 s interval, 1 retry) with the given sim result.
func sxCheckedDef(family, health string) *sdkecs.RegisterTaskDefinitionInput {
	cd := cdef("app", 64, map[string]string{"health": health})
	cd.HealthCheck = &types.HealthCheck{Command: []string{"CMD-SHELL", "check"}, Interval: aws.Int32(5),
		Timeout: aws.Int32(2), Retries: aws.Int32(1)}
	return ec2Def(family, cd)
}

// TestServiceReplacesUnhealthyTask: a task whose essential container turns UNHEALTHY
// gets a replacement started first (maximumPercent allows it), and is stopped with
// ECS's reason and event (spec §5.5; research §7).
func TestServiceReplacesUnhealthyTask(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxCheckedDef("sick", "unhealthy"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("sick"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	first := e.sxEventuallyTasks(t, "c1", "sick", "RUNNING", func(ts []types.Task) bool { return len(sxRunning(ts)) == 1 })[0]
	firstARN := aws.ToString(first.TaskArn)
	sawOverlap := false
	e.sxAdvanceUntil(t, "c1", "sick", "stops the unhealthy task", 5*time.Second, 3*time.Minute, func(types.Service) {
		ts := e.sxTasks(t, "c1", "sick")
		if len(ts) >= 2 {
			for _, tk := range ts {
				if aws.ToString(tk.TaskArn) == firstARN && aws.ToString(tk.DesiredStatus) == "RUNNING" {
					sawOverlap = true // the replacement exists while the unhealthy task still runs
				}
			}
		}
	}, func(types.Service) bool {
		return aws.ToString(e.describe(t, firstARN).DesiredStatus) == "STOPPED"
	})
	if !sawOverlap {
		t.Errorf("the unhealthy task was stopped before its replacement was started (spec §5.5 step 1)")
	}
	got := e.eventually(t, firstARN, "STOPPED", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
	if got.StopCode != types.TaskStopCodeServiceSchedulerInitiated || aws.ToString(got.StoppedReason) != "Task failed container health checks" {
		t.Errorf("unhealthy task stopCode %q reason %q", got.StopCode, aws.ToString(got.StoppedReason))
	}
	s := e.service(t, "c1", "sick")
	want := "(service sick) (task " + sxTaskID(firstARN) + ") failed container health checks."
	if !sxHasEvent(s, want) {
		t.Errorf("no event %q in %q", want, eventsOf(s))
	}
}

// TestServiceUnhealthyReplacementEventWording: ECS appends the reason to the start
// event of a replacement (research §7, REAL capture: "(service X) has started 1 tasks:
// (task …). Amazon ECS replaced 1 tasks due to an unhealthy status.").
func TestServiceUnhealthyReplacementEventWording(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxCheckedDef("sick", "unhealthy"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("sick"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	e.sxEventuallyTasks(t, "c1", "sick", "RUNNING", func(ts []types.Task) bool { return len(sxRunning(ts)) == 1 })
	e.sxAdvanceUntil(t, "c1", "sick", "starts a replacement", 5*time.Second, 3*time.Minute, nil, func(s types.Service) bool {
		return len(e.sxTasks(t, "c1", "sick")) >= 2
	})
	s := e.eventuallyService(t, "c1", "sick", "reports the start", func(s types.Service) bool {
		return strings.Contains(strings.Join(eventsOf(s), "\n"), "has started 1 tasks") && len(e.sxTasks(t, "c1", "sick")) >= 2
	})
	var replacement string
	for _, tk := range e.sxTasks(t, "c1", "sick")[1:2] {
		replacement = sxTaskID(aws.ToString(tk.TaskArn))
	}
	want := "(service sick) has started 1 tasks: (task " + replacement + "). Amazon ECS replaced 1 tasks due to an unhealthy status."
	if !sxHasEvent(s, want) {
		t.Errorf("no event %q in %q", want, eventsOf(s))
	}
}

// TestServiceHealthCheckGracePeriod: during healthCheckGracePeriodSeconds after a task
// starts, the scheduler ignores its unhealthy container health (spec §5.6; the current
// API reference applies the grace period to container health checks too).
func TestServiceHealthCheckGracePeriod(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxCheckedDef("slow", "unhealthy"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("slow"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), HealthCheckGracePeriodSeconds: aws.Int32(60)})
	first := e.sxEventuallyTasks(t, "c1", "slow", "RUNNING", func(ts []types.Task) bool { return len(sxRunning(ts)) == 1 })[0]
	startedAt := *first.StartedAt
	// Past the first probe (5 s) the task is UNHEALTHY, but inside the grace period.
	e.advanceUntil(t, aws.ToString(first.TaskArn), "UNHEALTHY", time.Second, time.Minute, func(tk *types.Task) bool {
		return tk.HealthStatus == types.HealthStatusUnhealthy
	})
	_, passed := e.sxAdvanceUntil(t, "c1", "slow", "starts a replacement", 5*time.Second, 5*time.Minute, func(types.Service) {
		if aws.ToString(e.describe(t, aws.ToString(first.TaskArn)).DesiredStatus) == "STOPPED" && e.clock.Now().Before(startedAt.Add(60*time.Second)) {
			t.Fatalf("unhealthy task stopped %v after it started, inside the 60 s grace period", e.clock.Now().Sub(startedAt))
		}
	}, func(types.Service) bool { return len(e.sxTasks(t, "c1", "slow")) >= 2 })
	if at := e.clock.Now(); at.Before(startedAt.Add(60 * time.Second)) {
		t.Errorf("replacement started %v after the unhealthy task started, inside the grace period (%v advanced)", at.Sub(startedAt), passed)
	}
	if at := e.clock.Now(); at.After(startedAt.Add(90 * time.Second)) {
		t.Errorf("replacement only %v after the task started; the grace period is 60 s", at.Sub(startedAt))
	}
}

// TestServiceFargateAndCapacityProviders: service tasks launched on Fargate and through
// a capacity provider strategy carry the launch details of their deployment.
func TestServiceFargateAndCapacityProviders(t *testing.T) {
	e := newServiceEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("fg"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}}))
	td := e.sxRegister(t, sxVpcDef("vpc"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("fg"), ServiceName: aws.String("ondemand"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpcConfig("subnet-1")})
	strategy := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}
	spot := e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("fg"), ServiceName: aws.String("spot"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), CapacityProviderStrategy: strategy,
		NetworkConfiguration: awsvpcConfig("subnet-1")})
	if !reflect.DeepEqual(spot.CapacityProviderStrategy, strategy) || spot.LaunchType != "" {
		t.Errorf("spot service strategy %+v launchType %q", spot.CapacityProviderStrategy, spot.LaunchType)
	}
	if d := spot.Deployments[0]; !reflect.DeepEqual(d.CapacityProviderStrategy, strategy) || d.LaunchType != "" {
		t.Errorf("spot deployment strategy %+v launchType %q", d.CapacityProviderStrategy, d.LaunchType)
	}
	for _, tc := range []struct {
		service  string
		n        int
		provider string
	}{{"ondemand", 1, ""}, {"spot", 2, "FARGATE_SPOT"}} {
		ts := e.sxEventuallyTasks(t, "fg", tc.service, fmt.Sprintf("%d RUNNING", tc.n), func(ts []types.Task) bool { return len(sxRunning(ts)) == tc.n })
		for _, tk := range ts {
			switch {
			case tk.LaunchType != types.LaunchTypeFargate:
				t.Errorf("%s task launchType %q", tc.service, tk.LaunchType)
			case aws.ToString(tk.PlatformVersion) != "1.4.0":
				t.Errorf("%s task platformVersion %q", tc.service, aws.ToString(tk.PlatformVersion))
			case aws.ToString(tk.CapacityProviderName) != tc.provider:
				t.Errorf("%s task capacityProviderName %q, want %q", tc.service, aws.ToString(tk.CapacityProviderName), tc.provider)
			case aws.ToString(tk.Group) != "service:"+tc.service:
				t.Errorf("%s task group %q", tc.service, aws.ToString(tk.Group))
			}
		}
	}
}

// TestServiceBreakerIgnoresCompletedDeployment: the circuit breaker watches deployments
// in progress; tasks of a COMPLETED deployment that crash later are replaced without
// failing it (spec §5.3, §5.7).
func TestServiceBreakerIgnoresCompletedDeployment(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, ec2Def("late", cdef("app", 64, map[string]string{"exit-after": "5m", "exit-code": "2"})))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("late"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true}}})
	id := aws.ToString(e.sxSteady(t, "c1", "late").Deployments[0].Id)
	s, _ := e.sxAdvanceUntil(t, "c1", "late", "replaces 4 crashed tasks", 5*time.Minute, 60*time.Minute, func(s types.Service) {
		if d := s.Deployments[0]; d.RolloutState == types.DeploymentRolloutStateFailed {
			t.Fatalf("the breaker failed the COMPLETED deployment %s: %v %q", id, deploymentsOf(s), eventsOf(s))
		}
	}, func(s types.Service) bool {
		return len(e.sxTasks(t, "c1", "late")) >= 5 && s.RunningCount == 1
	})
	if len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].Id) != id {
		t.Errorf("deployments %v", deploymentsOf(s))
	}
	for _, tk := range e.sxTasks(t, "c1", "late") {
		if aws.ToString(tk.StartedBy) != id {
			t.Errorf("task startedBy %q", aws.ToString(tk.StartedBy))
		}
	}
}
