package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// taskEnv is an env whose tasks run: the agent drives the simulated runtime, both on the
// env's fake clock. Time moves only when a test calls Advance; the agent works in its own
// goroutines, so tests observe its progress with eventually.
type taskEnv struct {
	*env
	rt    *sim.Runtime
	agent *agent.Agent

	mu     sync.Mutex
	events map[string][]string // task ARN → "container kind" in the runtime's order
}

// newTaskEnv builds an env with a running agent. missing lists images the simulated
// engine neither has nor can pull. The agent is stopped and waited for on cleanup,
// before the server and emulator close.
func newTaskEnv(t testing.TB, missing ...string) *taskEnv {
	t.Helper()
	return newTaskEnvConfig(t, nil, missing...)
}

// newTaskEnvConfig is newTaskEnv with the emulator's options changed by opts.
func newTaskEnvConfig(t testing.TB, opts func(*emulator.Config), missing ...string) *taskEnv {
	t.Helper()
	e := newEnvConfig(t, opts)
	rt := sim.New(e.clock, sim.Options{MissingImages: missing, Activity: e.act})
	a := agent.New(agent.Config{Runtime: rt, Clock: e.clock, Store: e.emu, Region: "us-east-1",
		Account: account, PauseImage: "pause", Activity: e.act})
	runCtx, cancel := context.WithCancel(context.Background())
	te := &taskEnv{env: e, rt: rt, agent: a, events: map[string][]string{}}
	events, _ := rt.TrackedEvents(runCtx) // each recorded event is Done, so settle waits for the record
	recorded := make(chan struct{})
	go func() { // ends when runCtx ends and the runtime closes the stream
		defer close(recorded)
		for ev := range events {
			arn := ev.Labels[agent.LabelTaskARN]
			te.mu.Lock()
			te.events[arn] = append(te.events[arn], ev.Labels[agent.LabelContainerName]+" "+string(ev.Kind))
			te.mu.Unlock()
			ev.Done()
		}
	}()
	if err := a.Start(runCtx); err != nil {
		cancel()
		t.Fatalf("agent.Start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		a.Wait()
		<-recorded
	})
	e.emu.SetRunner(a)
	return te
}

// history is what the runtime reported of a task's containers, in order, as
// "container kind" lines (kinds: create, start, die, oom, health, destroy), keeping only
// kinds when given.
func (e *taskEnv) history(taskARN string, kinds ...string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, line := range e.events[taskARN] {
		_, kind, _ := strings.Cut(line, " ")
		if len(kinds) == 0 || slices.Contains(kinds, kind) {
			out = append(out, line)
		}
	}
	return out
}

// eventually settles the simulation at the current fake time, then checks that cond
// holds for the task and returns it; it fails the test with what it saw otherwise.
func (e *taskEnv) eventually(t testing.TB, taskARN, what string, cond func(*types.Task) bool) *types.Task {
	t.Helper()
	e.settle(t)
	last := e.describe(t, taskARN)
	if !cond(last) {
		t.Fatalf("task is not %s once settled; saw:\n%s", what, summary(last))
	}
	return last
}

// status waits until the task's lastStatus is want.
func (e *taskEnv) status(t testing.TB, taskARN string, want string) *types.Task {
	t.Helper()
	return e.eventually(t, taskARN, want, func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == want })
}

// stillAfter settles the simulation, then checks that the task still satisfies cond:
// whatever happened before the call has been acted on, so an absence is exact.
func (e *taskEnv) stillAfter(t testing.TB, taskARN, what string, cond func(*types.Task) bool) *types.Task {
	t.Helper()
	e.settle(t)
	last := e.describe(t, taskARN)
	if !cond(last) {
		t.Fatalf("task should still be %s; saw:\n%s", what, summary(last))
	}
	return last
}

func (e *taskEnv) describe(t testing.TB, taskARN string) *types.Task {
	t.Helper()
	out, err := e.ecs.DescribeTasks(ctx(t), &sdkecs.DescribeTasksInput{Cluster: aws.String(clusterOf(taskARN)), Tasks: []string{taskARN}})
	if err != nil {
		t.Fatalf("DescribeTasks: %v", err)
	}
	if len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks %s: %d tasks, failures %+v", taskARN, len(out.Tasks), out.Failures)
	}
	return &out.Tasks[0]
}

// clusterOf is the cluster name in a task ARN (…:task/<cluster>/<id>).
func clusterOf(taskARN string) string {
	parts := strings.Split(taskARN, "/")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// waitTimers waits until the fake clock holds at least n pending timers: a stop or
// probe the agent asks for from its goroutines is only scheduled once the call arrives.
func (e *taskEnv) waitTimers(t testing.TB, n int) {
	t.Helper()
	e.settle(t)
	if e.clock.Pending() < n {
		t.Fatalf("want %d pending timers once settled, have %d", n, e.clock.Pending())
	}
}

// run starts tasks of family on cluster (EC2 unless in says otherwise) and returns them.
func (e *taskEnv) run(t testing.TB, in *sdkecs.RunTaskInput) []types.Task {
	t.Helper()
	out, err := e.ecs.RunTask(ctx(t), in)
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	if len(out.Failures) > 0 {
		t.Fatalf("RunTask failures: %+v", out.Failures)
	}
	return out.Tasks
}

// runOne registers def (family "app" unless set) and runs one task of it on cluster.
func (e *taskEnv) runOne(t testing.TB, cluster string, def *sdkecs.RegisterTaskDefinitionInput) types.Task {
	t.Helper()
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), def))
	in := &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn}
	if cluster != "" {
		in.Cluster = aws.String(cluster)
	}
	return e.run(t, in)[0]
}

// inspect is the simulated engine's view of a task container.
func (e *taskEnv) inspect(t testing.TB, c types.Container) containers.State {
	t.Helper()
	st, err := e.rt.Inspect(context.Background(), aws.ToString(c.RuntimeId))
	if err != nil {
		t.Fatalf("inspect %s (%s): %v", aws.ToString(c.Name), aws.ToString(c.RuntimeId), err)
	}
	return st
}

// cdef is a container definition with sim behaviour labels ("exit-code": "3", …; the
// ecsmini.sim/ prefix is added).
func cdef(name string, memory int32, behaviour map[string]string) types.ContainerDefinition {
	labels := map[string]string{}
	for k, v := range behaviour {
		labels["ecsmini.sim/"+k] = v
	}
	cd := types.ContainerDefinition{Name: aws.String(name), Image: aws.String("busybox:latest"), DockerLabels: labels}
	if memory > 0 {
		cd.Memory = aws.Int32(memory)
	}
	return cd
}

// ec2Def is an EC2 (bridge) task definition of family with containers.
func ec2Def(family string, cds ...types.ContainerDefinition) *sdkecs.RegisterTaskDefinitionInput {
	return &sdkecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: cds}
}

// fargateDef is a Fargate (awsvpc, 256/512) task definition of family with containers.
func fargateDef(family string, cds ...types.ContainerDefinition) *sdkecs.RegisterTaskDefinitionInput {
	return &sdkecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: cds,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		NetworkMode:             types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512")}
}

func awsvpcConfig(subnets ...string) *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: subnets,
		SecurityGroups: []string{"sg-1"}}}
}

// container finds a task's container by name.
func container(t testing.TB, tk *types.Task, name string) types.Container {
	t.Helper()
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) == name {
			return c
		}
	}
	t.Fatalf("task has no container %s:\n%s", name, summary(tk))
	return types.Container{}
}

// summary prints what a failing lifecycle test needs to see of a task.
func summary(tk *types.Task) string {
	if tk == nil {
		return "<nil>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %s last=%s desired=%s version=%d health=%s stopCode=%s reason=%q\n",
		aws.ToString(tk.TaskArn), aws.ToString(tk.LastStatus), aws.ToString(tk.DesiredStatus), tk.Version,
		tk.HealthStatus, tk.StopCode, aws.ToString(tk.StoppedReason))
	for _, c := range tk.Containers {
		exit := "-"
		if c.ExitCode != nil {
			exit = fmt.Sprint(*c.ExitCode)
		}
		fmt.Fprintf(&b, "  container %s: last=%s exit=%s health=%s reason=%q runtimeId=%.12s\n",
			aws.ToString(c.Name), aws.ToString(c.LastStatus), exit, c.HealthStatus, aws.ToString(c.Reason), aws.ToString(c.RuntimeId))
	}
	return b.String()
}

// wantHistory settles, then checks the runtime's history of the task (filtered to
// kinds) is want.
func (e *taskEnv) wantHistory(t testing.TB, taskARN string, want []string, kinds ...string) {
	t.Helper()
	e.settle(t)
	if got := e.history(taskARN, kinds...); !slices.Equal(got, want) {
		t.Fatalf("runtime history %v:\n got %q\nwant %q", kinds, got, want)
	}
}

// advanceUntil moves the fake clock step by step, up to limit, settling after each
// step, until cond holds; it returns the task and the fake time that passed. Agent
// timers set while the clock moves fall due at the next step.
func (e *taskEnv) advanceUntil(t testing.TB, taskARN, what string, step, limit time.Duration, cond func(*types.Task) bool) (*types.Task, time.Duration) {
	t.Helper()
	var last *types.Task
	for passed := time.Duration(0); passed <= limit; passed += step {
		e.settle(t)
		last = e.describe(t, taskARN)
		if cond(last) {
			return last, passed
		}
		e.clock.Advance(step)
	}
	t.Fatalf("task never became %s within %s of fake time; last seen:\n%s", what, limit, summary(last))
	return nil, 0
}
