package httpapi_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// Helpers of the black-box service tests (services_*_test.go). Names start with sx so
// they do not collide with helpers other files add to the package.

var sxDeploymentIDRE = regexp.MustCompile(`^ecs-svc/\d{19}$`)

// sxAPIError checks err is the API error code; with exact the message must equal msg,
// otherwise contain it (msg "" checks the code only).
func sxAPIError(t testing.TB, err error, code, msg string, exact bool) {
	t.Helper()
	if err == nil {
		t.Errorf("want %s %q, got success", code, msg)
		return
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("want API error %s, got %T: %v", code, err, err)
		return
	}
	ok := ae.ErrorCode() == code
	switch {
	case msg == "":
	case exact:
		ok = ok && ae.ErrorMessage() == msg
	default:
		ok = ok && strings.Contains(ae.ErrorMessage(), msg)
	}
	if !ok {
		t.Errorf("want %s %q (exact %v),\n got %s %q", code, msg, exact, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// sxCreate creates a service and fails the test on error.
func (e *taskEnv) sxCreate(t testing.TB, in *sdkecs.CreateServiceInput) *types.Service {
	t.Helper()
	out, err := e.ecs.CreateService(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateService %s: %v", aws.ToString(in.ServiceName), err)
	}
	return out.Service
}

func (e *taskEnv) sxUpdate(t testing.TB, in *sdkecs.UpdateServiceInput) *types.Service {
	t.Helper()
	out, err := e.ecs.UpdateService(ctx(t), in)
	if err != nil {
		t.Fatalf("UpdateService %s: %v", aws.ToString(in.Service), err)
	}
	return out.Service
}

// sxRegister registers a task definition and returns its ARN.
func (e *taskEnv) sxRegister(t testing.TB, in *sdkecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	out, err := e.ecs.RegisterTaskDefinition(ctx(t), in)
	if err != nil {
		t.Fatalf("RegisterTaskDefinition %s: %v", aws.ToString(in.Family), err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// sxSimple is an EC2 task definition of one long-running container without health check.
func sxSimple(family string) *sdkecs.RegisterTaskDefinitionInput {
	return ec2Def(family, cdef("app", 64, nil))
}

// sxTasks lists and describes the service's tasks whose desired status is one of
// desired (both RUNNING and STOPPED when none is given), with tags. The lists run
// before one DescribeTasks, which is a single snapshot of all of them.
func (e *taskEnv) sxTasks(t testing.TB, cluster, service string, desired ...types.DesiredStatus) []types.Task {
	t.Helper()
	if len(desired) == 0 {
		desired = []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped}
	}
	seen := map[string]bool{}
	var arns []string
	for _, d := range desired {
		var token *string
		for {
			out, err := e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{Cluster: aws.String(cluster),
				ServiceName: aws.String(service), DesiredStatus: d, NextToken: token})
			if err != nil {
				t.Fatalf("ListTasks: %v", err)
			}
			for _, a := range out.TaskArns {
				if !seen[a] {
					seen[a] = true
					arns = append(arns, a)
				}
			}
			if out.NextToken == nil {
				break
			}
			token = out.NextToken
		}
	}
	var tasks []types.Task
	for len(arns) > 0 {
		n := min(len(arns), 100)
		out, err := e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns[:n],
			Include: []types.TaskField{types.TaskFieldTags}})
		if err != nil {
			t.Fatalf("DescribeTasks: %v", err)
		}
		tasks = append(tasks, out.Tasks...)
		arns = arns[n:]
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].CreatedAt.Before(*tasks[j].CreatedAt) })
	return tasks
}

// sxLive keeps tasks that have not reached STOPPED (they count against maximumPercent).
func sxLive(ts []types.Task) []types.Task {
	var out []types.Task
	for _, tk := range ts {
		if aws.ToString(tk.LastStatus) != "STOPPED" {
			out = append(out, tk)
		}
	}
	return out
}

// sxRunning keeps RUNNING tasks the scheduler has not asked to stop.
func sxRunning(ts []types.Task) []types.Task {
	var out []types.Task
	for _, tk := range ts {
		if aws.ToString(tk.LastStatus) == "RUNNING" && aws.ToString(tk.DesiredStatus) == "RUNNING" {
			out = append(out, tk)
		}
	}
	return out
}

func sxByDeployment(ts []types.Task, id string) []types.Task {
	var out []types.Task
	for _, tk := range ts {
		if aws.ToString(tk.StartedBy) == id {
			out = append(out, tk)
		}
	}
	return out
}

func sxIDs(ts []types.Task) []string {
	var out []string
	for _, tk := range ts {
		out = append(out, sxTaskID(aws.ToString(tk.TaskArn)))
	}
	sort.Strings(out)
	return out
}

func sxTaskID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func sxSummary(ts []types.Task) string {
	var b strings.Builder
	for _, tk := range ts {
		fmt.Fprintf(&b, "  %s by %s last=%s desired=%s health=%s stopCode=%s reason=%q\n", sxTaskID(aws.ToString(tk.TaskArn)),
			aws.ToString(tk.StartedBy), aws.ToString(tk.LastStatus), aws.ToString(tk.DesiredStatus), tk.HealthStatus,
			tk.StopCode, aws.ToString(tk.StoppedReason))
	}
	return b.String()
}

// sxPrimary is the service's PRIMARY deployment.
func sxPrimary(t testing.TB, s types.Service) types.Deployment {
	t.Helper()
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return d
		}
	}
	t.Fatalf("service %s has no PRIMARY deployment: %v", aws.ToString(s.ServiceName), deploymentsOf(s))
	return types.Deployment{}
}

// sxHasEvent says the service has an event with exactly msg.
func sxHasEvent(s types.Service, msg string) bool { return slices.Contains(eventsOf(s), msg) }

// sxEventIndex is the position of msg among the service's events (newest first), -1 if absent.
func sxEventIndex(s types.Service, msg string) int { return slices.Index(eventsOf(s), msg) }

// sxAdvanceUntil moves the fake clock by step, up to limit, settling after each step,
// until cond holds for the service. sample,
// if not nil, runs on every observation (to check invariants while time passes). It
// returns the service and the fake time that passed.
func (e *taskEnv) sxAdvanceUntil(t testing.TB, cluster, name, what string, step, limit time.Duration,
	sample func(types.Service), cond func(types.Service) bool) (types.Service, time.Duration) {
	t.Helper()
	var last types.Service
	for passed := time.Duration(0); passed <= limit; passed += step {
		e.settle(t)
		last = e.service(t, cluster, name)
		if sample != nil {
			sample(last)
		}
		if cond(last) {
			return last, passed
		}
		e.clock.Advance(step)
	}
	t.Fatalf("service %s never %s within %s of fake time; last: desired %d running %d pending %d deployments %v events %v\ntasks:\n%s",
		name, what, limit, last.DesiredCount, last.RunningCount, last.PendingCount, deploymentsOf(last), eventsOf(last),
		sxSummary(e.sxTasks(t, cluster, name)))
	return last, 0
}

// sxQuiet settles, then checks that the service still satisfies cond: the emulator has
// acted on everything that happened before the call, so the check is exact.
func (e *taskEnv) sxQuiet(t testing.TB, cluster, name, what string, cond func(types.Service) bool) types.Service {
	t.Helper()
	e.settle(t)
	last := e.service(t, cluster, name)
	if !cond(last) {
		t.Fatalf("service %s should stay %s; saw desired %d running %d pending %d deployments %v events %v",
			name, what, last.DesiredCount, last.RunningCount, last.PendingCount, deploymentsOf(last), eventsOf(last))
	}
	return last
}

// sxSteady waits for a service that needs the 40 s "healthy after RUNNING" rule: it
// waits for desiredCount RUNNING tasks, then moves the clock 41 s and waits for one
// COMPLETED deployment.
func (e *taskEnv) sxSteady(t testing.TB, cluster, name string) types.Service {
	t.Helper()
	s := e.service(t, cluster, name)
	want := s.DesiredCount
	e.eventuallyService(t, cluster, name, fmt.Sprintf("runs %d tasks", want), func(s types.Service) bool {
		return s.RunningCount == want && s.PendingCount == 0
	})
	e.clock.Advance(41 * time.Second)
	return e.eventuallyService(t, cluster, name, "is steady and COMPLETED", func(s types.Service) bool {
		return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
}

// sxEventuallyTasks settles, then checks cond on the service's tasks.
func (e *taskEnv) sxEventuallyTasks(t testing.TB, cluster, name, what string, cond func([]types.Task) bool) []types.Task {
	t.Helper()
	e.settle(t)
	ts := e.sxTasks(t, cluster, name)
	if !cond(ts) {
		t.Fatalf("tasks of %s do not %s once settled:\n%s", name, what, sxSummary(ts))
	}
	return ts
}
