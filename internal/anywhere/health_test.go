package anywhere

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// sickeningRuntime is the simulated runtime whose containers can be made to fail their
// health check from a moment on, as a check that starts failing does: Inspect reports
// them unhealthy from then on, and a health event tells whoever watches.
type sickeningRuntime struct {
	containers.Runtime
	mu   sync.Mutex
	sick map[string]bool
	subs []chan containers.Event // each Events stream's health events
}

func newSickeningRuntime(rt containers.Runtime) *sickeningRuntime {
	return &sickeningRuntime{Runtime: rt, sick: map[string]bool{}}
}

func (r *sickeningRuntime) Inspect(ctx context.Context, id string) (containers.State, error) {
	st, err := r.Runtime.Inspect(ctx, id)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && r.sick[id] {
		st.Health = containers.HealthUnhealthy
	}
	return st, err
}

// Events is the runtime's events with the health events of sicken mixed in.
func (r *sickeningRuntime) Events(ctx context.Context) (<-chan containers.Event, <-chan error) {
	in, errs := r.Runtime.Events(ctx)
	extra := make(chan containers.Event, 4)
	r.mu.Lock()
	r.subs = append(r.subs, extra)
	r.mu.Unlock()
	out := make(chan containers.Event)
	go func() {
		defer close(out)
		for {
			var ev containers.Event
			select {
			case e, ok := <-in:
				if !ok {
					return
				}
				ev = e
			case ev = <-extra:
			case <-ctx.Done():
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, errs
}

// sicken makes container id fail its health check from now on.
func (r *sickeningRuntime) sicken(ctx context.Context, t *testing.T, id string) {
	t.Helper()
	st, err := r.Runtime.Inspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sick[id] = true
	for _, sub := range r.subs {
		sub <- containers.Event{ID: id, Kind: containers.EventHealth, At: time.Now(), Labels: st.Labels, Health: containers.HealthUnhealthy}
	}
}

// TestRemoteHealthReachesEcsmini: a service task on a remote agent whose essential
// container has a health check shows, in DescribeTasks (Go SDK), HEALTHY once its check
// passes and UNHEALTHY once it fails, container and task alike; the service scheduler
// then replaces it on the external instance as it replaces a local one: a replacement
// first, then the unhealthy task stopped with ECS's stop code, reason and event.
func TestRemoteHealthReachesEcsmini(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(nopRunner{})
	h := httpapi.New(emu, nil)
	Mount(h, emu, "tok", Sources{})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	loopCtx, stopLoop := context.WithCancel(ctx)
	looped := make(chan error, 1)
	go func() { looped <- emu.Run(loopCtx) }() // the control loop: the service scheduler
	t.Cleanup(func() {
		stopLoop()
		if err := <-looped; err != nil {
			t.Errorf("control loop: %v", err)
		}
	})
	api := sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	if _, err := api.CreateCluster(ctx, &sdkecs.CreateClusterInput{ClusterName: aws.String("edge")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.RegisterTaskDefinition(ctx, &sdkecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeHost, RequiresCompatibilities: []types.Compatibility{types.CompatibilityExternal},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(64),
			DockerLabels: map[string]string{sim.LabelHealth: "healthy"},
			HealthCheck: &types.HealthCheck{Command: []string{"CMD-SHELL", "check"}, Interval: aws.Int32(5),
				Timeout: aws.Int32(2), Retries: aws.Int32(1)}}},
	}); err != nil {
		t.Fatal(err)
	}
	sub := emu.Events().Subscribe(ctx, events.Filter{}, 1024)

	// The simulated engine's health checks run on a fake clock the test advances.
	checks := clock.NewFake(time.Now())
	rt := newSickeningRuntime(sim.New(checks, sim.Options{}))
	registered := make(chan struct{})
	a := New(Config{Endpoint: srv.URL, Cluster: "edge", Token: "tok", StateDir: t.TempDir(), Runtime: rt,
		Wait: time.Second, Retry: 50 * time.Millisecond, Registered: func(*ecs.ContainerInstance) { close(registered) }})
	agentCtx, stopAgent := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- a.Run(agentCtx) }()
	t.Cleanup(func() {
		stopAgent()
		if err := <-ran; err != nil {
			t.Errorf("agent ended with %v", err)
		}
	})
	select {
	case <-registered:
	case err := <-ran:
		t.Fatalf("agent ended: %v", err)
	}
	if _, err := api.CreateService(ctx, &sdkecs.CreateServiceInput{Cluster: aws.String("edge"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeExternal}); err != nil {
		t.Fatal(err)
	}
	tasks := func() []types.Task {
		t.Helper()
		var arns []string
		for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
			l, err := api.ListTasks(ctx, &sdkecs.ListTasksInput{Cluster: aws.String("edge"), ServiceName: aws.String("web"), DesiredStatus: status})
			if err != nil {
				t.Fatal(err)
			}
			arns = append(arns, l.TaskArns...)
		}
		if len(arns) == 0 {
			return nil
		}
		d, err := api.DescribeTasks(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String("edge"), Tasks: arns})
		if err != nil {
			t.Fatal(err)
		}
		return d.Tasks
	}
	// until calls done after every event until it holds.
	until := func(what string, done func([]types.Task) bool) []types.Task {
		t.Helper()
		for {
			ts := tasks()
			if done(ts) {
				return ts
			}
			select {
			case _, ok := <-sub.C:
				if !ok {
					t.Fatalf("event stream ended before %s", what)
				}
			case <-ctx.Done():
				svc, _ := api.DescribeServices(context.Background(), &sdkecs.DescribeServicesInput{Cluster: aws.String("edge"), Services: []string{"web"}})
				b, _ := json.Marshal(svc)
				t.Fatalf("never %s: %s\n%s", what, describe(ts), b)
			}
		}
	}
	health := func(tk types.Task) string {
		return string(tk.HealthStatus) + "/" + string(tk.Containers[0].HealthStatus)
	}

	first := until("a task RUNNING", func(ts []types.Task) bool {
		return len(ts) == 1 && aws.ToString(ts[0].LastStatus) == "RUNNING"
	})[0]
	firstARN := aws.ToString(first.TaskArn)
	if got := health(first); got != "UNKNOWN/UNKNOWN" {
		t.Errorf("before its first check the task's health is %s, want UNKNOWN/UNKNOWN", got)
	}
	checks.Advance(5 * time.Second) // the first check passes
	until("HEALTHY", func(ts []types.Task) bool { return len(ts) == 1 && health(ts[0]) == "HEALTHY/HEALTHY" })

	rt.sicken(ctx, t, aws.ToString(first.Containers[0].RuntimeId))
	until("UNHEALTHY", func(ts []types.Task) bool {
		old := findTask(ts, firstARN)
		return old != nil && health(*old) == "UNHEALTHY/UNHEALTHY"
	})

	// The replacement starts first, on the external instance; once its own check passes
	// the unhealthy task is stopped.
	overlap := false // the replacement existed while the unhealthy task still ran
	final := until("the unhealthy task replaced", func(ts []types.Task) bool {
		if old := findTask(ts, firstARN); len(ts) == 2 && old != nil && aws.ToString(old.DesiredStatus) == "RUNNING" {
			overlap = true
		}
		for _, tk := range ts {
			if aws.ToString(tk.TaskArn) != firstARN && aws.ToString(tk.LastStatus) == "RUNNING" && health(tk) == "UNKNOWN/UNKNOWN" {
				checks.Advance(5 * time.Second) // the replacement's first check
			}
		}
		old := findTask(ts, firstARN)
		return old != nil && aws.ToString(old.LastStatus) == "STOPPED" && len(ts) == 2
	})
	if !overlap {
		t.Errorf("the unhealthy task was stopped before its replacement was started")
	}
	old := findTask(final, firstARN)
	if old.StopCode != types.TaskStopCodeServiceSchedulerInitiated || aws.ToString(old.StoppedReason) != "Task failed container health checks" {
		t.Errorf("the unhealthy task stopped with %q %q, want ServiceSchedulerInitiated, Task failed container health checks",
			old.StopCode, aws.ToString(old.StoppedReason))
	}
	for _, tk := range final {
		if aws.ToString(tk.TaskArn) == firstARN {
			continue
		}
		if aws.ToString(tk.LastStatus) != "RUNNING" || aws.ToString(tk.ContainerInstanceArn) != aws.ToString(first.ContainerInstanceArn) ||
			tk.LaunchType != types.LaunchTypeExternal {
			t.Errorf("the replacement %s: %s on %s (%s), want RUNNING on the external instance %s", aws.ToString(tk.TaskArn),
				aws.ToString(tk.LastStatus), aws.ToString(tk.ContainerInstanceArn), tk.LaunchType, aws.ToString(first.ContainerInstanceArn))
		}
	}
	svc, err := api.DescribeServices(ctx, &sdkecs.DescribeServicesInput{Cluster: aws.String("edge"), Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "(service web) (task " + firstARN[strings.LastIndexByte(firstARN, '/')+1:] + ") failed container health checks."
	found := false
	for _, ev := range svc.Services[0].Events {
		found = found || aws.ToString(ev.Message) == want
	}
	if !found {
		t.Errorf("no service event %q", want)
	}
}

func findTask(ts []types.Task, arn string) *types.Task {
	for i := range ts {
		if aws.ToString(ts[i].TaskArn) == arn {
			return &ts[i]
		}
	}
	return nil
}

// describe prints tasks for a failure message.
func describe(ts []types.Task) string {
	type brief struct{ Arn, Last, Desired, Health, Reason string }
	var out []brief
	for _, tk := range ts {
		out = append(out, brief{aws.ToString(tk.TaskArn), aws.ToString(tk.LastStatus), aws.ToString(tk.DesiredStatus),
			string(tk.HealthStatus), aws.ToString(tk.StoppedReason)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// TestHealthEndpointChecksTheReport: the health endpoint takes reports about the asking
// instance's own tasks only, with ECS's health statuses and the task's containers.
func TestHealthEndpointChecksTheReport(t *testing.T) {
	a, api := linkEnv(t, "right-token")
	ctx := context.Background()
	var run ecs.TasksOutput
	if err := api.Call(ctx, "RunTask", map[string]any{"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}, &run); err != nil {
		t.Fatal(err)
	}
	arn := run.Tasks[0].TaskArn
	var other ecs.ContainerInstanceOutput
	if err := api.Call(ctx, "RegisterContainerInstance", &ecs.RegisterContainerInstanceInput{Cluster: "edge", Attributes: a.attributes()}, &other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		instance string
		health   emulator.AgentContainerHealth
		wantCode string
	}{
		{"its own task", a.arn, emulator.AgentContainerHealth{ContainerName: "app", HealthStatus: ecs.HealthHealthy}, ""},
		{"not a health status", a.arn, emulator.AgentContainerHealth{ContainerName: "app", HealthStatus: "SICK"}, ecs.CodeInvalidParameter},
		{"no such container", a.arn, emulator.AgentContainerHealth{ContainerName: "db", HealthStatus: ecs.HealthHealthy}, ecs.CodeInvalidParameter},
		{"another instance's task", other.ContainerInstance.ContainerInstanceArn,
			emulator.AgentContainerHealth{ContainerName: "app", HealthStatus: ecs.HealthUnhealthy}, ecs.CodeAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.call(ctx, HealthPath, HealthRequest{Cluster: "edge", ContainerInstance: tt.instance,
				Tasks: []emulator.AgentTaskHealth{{TaskArn: arn, Containers: []emulator.AgentContainerHealth{tt.health}}}}, nil)
			if tt.wantCode == "" && err != nil || tt.wantCode != "" && !ecsminiapi.IsCode(err, tt.wantCode) {
				t.Fatalf("report: %v, want %q", err, tt.wantCode)
			}
		})
	}
	// A report whose second entry is bad changes nothing, not even its good first one.
	err := a.call(ctx, HealthPath, HealthRequest{Cluster: "edge", ContainerInstance: a.arn, Tasks: []emulator.AgentTaskHealth{
		{TaskArn: arn, Containers: []emulator.AgentContainerHealth{{ContainerName: "app", HealthStatus: ecs.HealthUnhealthy}}},
		{TaskArn: arn, Containers: []emulator.AgentContainerHealth{{ContainerName: "db", HealthStatus: ecs.HealthHealthy}}},
	}}, nil)
	if !ecsminiapi.IsCode(err, ecs.CodeInvalidParameter) {
		t.Fatalf("report with a bad second entry: %v, want %s", err, ecs.CodeInvalidParameter)
	}
	// Only the accepted report changed the task: its container is HEALTHY; the task
	// stays UNKNOWN, for the container has no health check of its own.
	var out ecs.TasksOutput
	if err := api.Call(ctx, "DescribeTasks", map[string]any{"cluster": "edge", "tasks": []string{arn}}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.Tasks[0]; got.Containers[0].HealthStatus != ecs.HealthHealthy || got.HealthStatus != ecs.HealthUnknown {
		t.Errorf("after the reports: container %s, task %s; want HEALTHY, UNKNOWN", got.Containers[0].HealthStatus, got.HealthStatus)
	}
}

// TestStateGoesWithoutTheHealthEndpoint: an ecsmini that does not serve the health
// endpoint (an older version) still gets the task's state; the health is not retried.
func TestStateGoesWithoutTheHealthEndpoint(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(nopRunner{})
	h := httpapi.New(emu, nil)
	Mount(h, emu, "tok", Sources{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == HealthPath {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	ctx := context.Background()
	a := New(Config{Endpoint: srv.URL, Cluster: "edge", Token: "tok", StateDir: t.TempDir()})
	for _, c := range []struct {
		op string
		in any
	}{
		{"CreateCluster", map[string]any{"clusterName": "edge"}},
		{"RegisterTaskDefinition", map[string]any{"family": "web", "networkMode": "host", "requiresCompatibilities": []string{"EXTERNAL"},
			"containerDefinitions": []map[string]any{{"name": "app", "image": "busybox", "memory": 64}}}},
	} {
		if err := a.api.Call(ctx, c.op, c.in, &map[string]any{}); err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
	}
	var ci ecs.ContainerInstanceOutput
	if err := a.api.Call(ctx, "RegisterContainerInstance", &ecs.RegisterContainerInstanceInput{Cluster: "edge", Attributes: a.attributes()}, &ci); err != nil {
		t.Fatal(err)
	}
	a.arn = ci.ContainerInstance.ContainerInstanceArn
	var run ecs.TasksOutput
	if err := a.api.Call(ctx, "RunTask", map[string]any{"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}, &run); err != nil {
		t.Fatal(err)
	}
	tk := run.Tasks[0]
	a.store.merge(&emulator.AgentWork{Tasks: []emulator.AgentTask{{Task: tk, TaskDefinition: &ecs.TaskDefinition{}}}}, time.Now())
	if _, err := a.store.UpdateTask(tk.TaskArn, func(t *ecs.Task) error {
		t.LastStatus, t.Containers[0].HealthStatus = ecs.StatusPending, ecs.HealthHealthy
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p := a.store.pending()
	if len(p) != 1 || p[0].health == nil {
		t.Fatalf("pending %+v, want one report with health", p)
	}
	if err := a.deliver(ctx, p[0]); err != nil {
		t.Fatalf("deliver without the health endpoint: %v", err)
	}
	var out ecs.TasksOutput
	if err := a.api.Call(ctx, "DescribeTasks", map[string]any{"cluster": "edge", "tasks": []string{tk.TaskArn}}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.Tasks[0]; got.LastStatus != ecs.StatusPending || got.Containers[0].HealthStatus != ecs.HealthUnknown {
		t.Errorf("task %s, container health %s; want PENDING, UNKNOWN", got.LastStatus, got.Containers[0].HealthStatus)
	}
	if again := a.store.pending(); len(again) != 1 || again[0].health != nil {
		t.Errorf("after the refusal the health is offered again: %+v", again)
	}
}
