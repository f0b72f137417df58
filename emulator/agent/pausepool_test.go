package agent

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// poolRuntime is the simulated runtime, counting the pause containers created (pooled
// or a task's own) and, when quiet is set, keeping the events of pooled containers from
// the agent, so that only its look at take time can tell a dead one.
type poolRuntime struct {
	*sim.Runtime
	mu     sync.Mutex
	pauses int
	quiet  bool
}

func (p *poolRuntime) Create(ctx context.Context, spec containers.Spec) (string, error) {
	if spec.Labels[LabelPausePool] != "" || spec.Labels[LabelContainerName] == pauseContainerName {
		p.mu.Lock()
		p.pauses++
		p.mu.Unlock()
	}
	return p.Runtime.Create(ctx, spec)
}

func (p *poolRuntime) TrackedEvents(ctx context.Context) (<-chan containers.Event, <-chan error) {
	in, errs := p.Runtime.TrackedEvents(ctx)
	out := make(chan containers.Event)
	go func() {
		defer close(out)
		for ev := range in {
			p.mu.Lock()
			drop := p.quiet && ev.Labels[LabelPausePool] != ""
			p.mu.Unlock()
			if drop {
				ev.Done()
				continue
			}
			out <- ev
		}
	}()
	return out, errs
}

func (p *poolRuntime) pausesCreated() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pauses
}

type poolEnv struct {
	rt    *poolRuntime
	store *agenttest.Store
	agent *Agent
	act   *clock.Activity
	seq   int
}

func newPoolEnv(t *testing.T, size int) *poolEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	act := clock.NewActivity()
	rt := &poolRuntime{Runtime: sim.New(clk, sim.Options{Activity: act})}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
		PauseImage: "pause", StateDir: t.TempDir(), PausePool: size, Activity: act})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return &poolEnv{rt: rt, store: store, agent: a, act: act}
}

// settle waits until the agent and the runtime have done all they can.
func (e *poolEnv) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.act.Wait(ctx); err != nil {
		t.Fatalf("the agent did not settle: %v", err)
	}
}

// run records an awsvpc task of td and launches it.
func (e *poolEnv) run(td *ecs.TaskDefinition) string {
	e.seq++
	arn := fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:task/default/%032x", e.seq)
	task := &ecs.Task{TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
		DesiredStatus: ecs.StatusRunning, LastStatus: ecs.StatusProvisioning, LaunchType: ecs.LaunchFargate,
		Attachments: []ecs.Attachment{{ID: "att", Type: "ElasticNetworkInterface", Status: "PRECREATED"}}}
	for _, cd := range td.ContainerDefinitions {
		task.Containers = append(task.Containers, ecs.Container{Name: ecs.Deref(cd.Name), TaskArn: arn, Image: ecs.Deref(cd.Image)})
	}
	e.store.Put(task, td)
	e.agent.Launch(arn)
	return arn
}

func (e *poolEnv) task(t *testing.T, arn string) *ecs.Task {
	t.Helper()
	task, _, err := e.store.Task(arn)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func (e *poolEnv) stop(t *testing.T, arn string) {
	t.Helper()
	if _, err := e.store.UpdateTask(arn, func(t *ecs.Task) error {
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopUserInitiated, "test"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.agent.Nudge(arn)
	e.settle(t)
}

// pooled lists the warm pause containers the runtime has.
func (e *poolEnv) pooled(t *testing.T) []containers.State {
	t.Helper()
	l, err := e.rt.List(context.Background(), map[string]string{LabelPausePool: ManagedValue})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(l, func(c containers.State) bool { return c.Status != containers.Running })
}

func awsvpcDef(ports ...int) *ecs.TaskDefinition {
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	for _, p := range ports {
		td.ContainerDefinitions[0].PortMappings = append(td.ContainerDefinitions[0].PortMappings, ecs.PortMapping{ContainerPort: ecs.Ptr(p)})
	}
	return td
}

// pauseOf is the pause container an awsvpc task's app container joined.
func (e *poolEnv) pauseOf(t *testing.T, arn string) containers.State {
	t.Helper()
	task := e.task(t, arn)
	app, err := e.rt.Inspect(context.Background(), task.Containers[0].RuntimeID)
	if err != nil {
		t.Fatal(err)
	}
	pause, err := e.rt.Inspect(context.Background(), app.Labels[LabelPauseID])
	if err != nil {
		t.Fatalf("the app container's %s label: %v", LabelPauseID, err)
	}
	return pause
}

// A task's run warms a pause container of its shape; the next task of that shape takes
// it (no pause container is created for it on the way), gets its address, gives it its
// own name, and the pool is refilled. Every task still has its own namespace.
func TestPooledPauseServesTheNextTask(t *testing.T) {
	e := newPoolEnv(t, 1)
	td := awsvpcDef()
	first := e.run(td)
	e.settle(t)
	if got := e.task(t, first).LastStatus; got != ecs.StatusRunning {
		t.Fatalf("first task %s", got)
	}
	warm := e.pooled(t)
	if len(warm) != 1 {
		t.Fatalf("%d warm pause containers after the first task, want 1", len(warm))
	}
	if warm[0].Labels[LabelTaskARN] != "" || warm[0].Labels[LabelStateDir] != e.agent.cfg.StateDir || warm[0].Labels[LabelManaged] != ManagedValue {
		t.Fatalf("a warm pause container's labels %v: no task's, and ecsmini's for cleanup", warm[0].Labels)
	}
	created := e.rt.pausesCreated()

	second := e.run(td)
	e.settle(t)
	task := e.task(t, second)
	if task.LastStatus != ecs.StatusRunning {
		t.Fatalf("second task %s (%s)", task.LastStatus, task.StoppedReason)
	}
	pause := e.pauseOf(t, second)
	if pause.ID != warm[0].ID {
		t.Fatalf("the second task's pause container is %s, want the warm %s", pause.ID, warm[0].ID)
	}
	info := taskInfo(task, td, "us-east-1", "000000000000")
	if want := DockerName(info, "internalecspause"); pause.Name != want {
		t.Errorf("the taken pause container is named %q, want %q", pause.Name, want)
	}
	ip := task.Containers[0].NetworkInterfaces[0].PrivateIpv4Address
	if ip == "" || ip != pause.IPAddresses[clusterNetwork(e.agent.cfg.StateDir, "default")] {
		t.Errorf("the task's address %q, want the pause container's %v", ip, pause.IPAddresses)
	}
	if firstPause := e.pauseOf(t, first); firstPause.ID == pause.ID || e.task(t, first).Containers[0].NetworkInterfaces[0].PrivateIpv4Address == ip {
		t.Errorf("two tasks share a namespace or an address: %s %s", firstPause.ID, ip)
	}
	// One more pause container was made (the refill), none for the task itself.
	if got := e.rt.pausesCreated() - created; got != 1 {
		t.Errorf("%d pause containers created for the second task, want 1 (the refill)", got)
	}
	refilled := slices.DeleteFunc(e.pooled(t), func(c containers.State) bool { return c.ID == pause.ID })
	if len(refilled) != 1 || e.agent.PooledPauses() != 1 {
		t.Errorf("after a take, %d warm pause containers (%d in the pool), want 1", len(refilled), e.agent.PooledPauses())
	}
	// The taken container goes with its task.
	e.stop(t, second)
	if _, err := e.rt.Inspect(context.Background(), pause.ID); !isGone(err) {
		t.Errorf("the stopped task's pooled pause container is still there: %v", err)
	}
}

// A task whose network has another shape (other published ports) does not take a warm
// pause container of the first shape.
func TestPoolServesOnlyItsShape(t *testing.T) {
	e := newPoolEnv(t, 1)
	e.run(awsvpcDef())
	e.settle(t)
	warm := e.pooled(t)
	if len(warm) != 1 {
		t.Fatalf("%d warm, want 1", len(warm))
	}
	other := e.run(awsvpcDef(8080))
	e.settle(t)
	pause := e.pauseOf(t, other)
	if pause.ID == warm[0].ID || pause.Labels[LabelTaskARN] != other {
		t.Fatalf("a task publishing port 8080 took a warm pause container of a task publishing none")
	}
	if len(pause.Ports) != 1 || pause.Ports[0].ContainerPort != 8080 {
		t.Fatalf("its pause container publishes %v", pause.Ports)
	}
}

// A warm pause container that died is never handed to a task: the runtime's event
// takes it out of the pool, and when the event has not arrived the look at take time
// does; either way it is removed and the task runs.
func TestDeadPooledPauseIsDiscarded(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		t.Run(fmt.Sprintf("events %v", !quiet), func(t *testing.T) {
			e := newPoolEnv(t, 1)
			td := awsvpcDef()
			e.run(td)
			e.settle(t)
			warm := e.pooled(t)
			if len(warm) != 1 {
				t.Fatalf("%d warm, want 1", len(warm))
			}
			e.rt.mu.Lock()
			e.rt.quiet = quiet
			e.rt.mu.Unlock()
			if err := e.rt.Stop(context.Background(), warm[0].ID, 0); err != nil {
				t.Fatal(err)
			}
			e.settle(t)
			arn := e.run(td)
			e.settle(t)
			if task := e.task(t, arn); task.LastStatus != ecs.StatusRunning {
				t.Fatalf("task %s (%s)", task.LastStatus, task.StoppedReason)
			}
			if pause := e.pauseOf(t, arn); pause.ID == warm[0].ID {
				t.Fatal("the task took the dead pause container")
			}
			if _, err := e.rt.Inspect(context.Background(), warm[0].ID); !isGone(err) {
				t.Fatalf("the dead pooled container was not removed: %v", err)
			}
		})
	}
}

// The pooled pause container a task took carries no task labels, yet its end stops the
// task as a pause container's does: its events wake the task's runner.
func TestTakenPooledPauseRemovedStopsTask(t *testing.T) {
	e := newPoolEnv(t, 1)
	td := awsvpcDef()
	e.run(td)
	e.settle(t)
	arn := e.run(td)
	e.settle(t)
	pause := e.pauseOf(t, arn)
	if pause.Labels[LabelPausePool] == "" {
		t.Fatal("the second task's pause container is not a pooled one")
	}
	if err := e.rt.Remove(context.Background(), pause.ID); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	task := e.task(t, arn)
	if task.LastStatus != ecs.StatusStopped || task.StopCode != ecs.StopEssentialContainerExited {
		t.Fatalf("task %s %s (%s), want STOPPED EssentialContainerExited", task.LastStatus, task.StopCode, task.StoppedReason)
	}
}

// TaskContainers finds a task's pooled pause container (which has no task labels)
// through its app container, so a later ecsmini adopts the task with its network.
func TestTaskContainersFindPooledPause(t *testing.T) {
	e := newPoolEnv(t, 1)
	td := awsvpcDef()
	e.run(td)
	e.settle(t)
	arn := e.run(td)
	e.settle(t)
	pause := e.pauseOf(t, arn)
	found, err := TaskContainers(context.Background(), e.rt, arn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(found, func(c containers.State) bool { return c.ID == pause.ID }) || len(found) != 2 {
		t.Fatalf("found %d containers, want the app and the pooled pause %s", len(found), pause.ID)
	}
	if !Adoptable(found) {
		t.Fatal("not adoptable")
	}
}

// Shutdown removes the warm pause containers with the networks they are on, and warms
// no more.
func TestShutdownRemovesPool(t *testing.T) {
	e := newPoolEnv(t, 2)
	arn := e.run(awsvpcDef())
	e.settle(t)
	if n := len(e.pooled(t)); n != 2 {
		t.Fatalf("%d warm, want 2", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.agent.Shutdown(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	if task := e.task(t, arn); task.LastStatus != ecs.StatusStopped {
		t.Fatalf("task %s", task.LastStatus)
	}
	left, err := e.rt.List(ctx, map[string]string{LabelManaged: ManagedValue})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 || e.agent.PooledPauses() != 0 {
		t.Fatalf("%d containers left after Shutdown (%d pooled)", len(left), e.agent.PooledPauses())
	}
	if _, err := e.rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: "probe"}); err != nil {
		t.Fatal(err)
	}
}

// With no pool (the simulated runtime's default) no pause container is made ahead.
func TestNoPoolWarmsNothing(t *testing.T) {
	e := newPoolEnv(t, 0)
	e.run(awsvpcDef())
	e.settle(t)
	if n := len(e.pooled(t)); n != 0 {
		t.Fatalf("%d warm pause containers without a pool", n)
	}
}
