package agent

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A container that is created but cannot start (its static host port is taken) stays
// "created" in the runtime; the task must still end STOPPED with ECS's reason, not wait
// for that container to exit.
func TestStartFailureEndsStopped(t *testing.T) {
	e := newPrepEnv(t, nil)
	hold, err := e.rt.Runtime.Create(t.Context(), containers.Spec{Name: "holder", Image: "busybox", NetworkMode: "bridge",
		Ports: []containers.PortBinding{{ContainerPort: 80, HostPort: 8080, HostIP: "127.0.0.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.rt.Runtime.Start(t.Context(), hold); err != nil {
		t.Fatal(err)
	}
	app := container("app")
	app.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(8080)}}
	arn := e.run(taskDef(app), nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	if task.StopCode != ecs.StopTaskFailedToStart || !strings.HasPrefix(task.StoppedReason, "CannotStartContainerError: ") {
		t.Errorf("stopped with %s %q, want TaskFailedToStart CannotStartContainerError", task.StopCode, task.StoppedReason)
	}
	if left, _ := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn}); len(left) != 0 {
		t.Errorf("containers left: %+v", left)
	}
}

// faultRuntime is the recording sim with faults a test switches on: the event stream
// ending, Stop failing.
type faultRuntime struct {
	*recordingRuntime
	mu         sync.Mutex
	breakFeed  chan struct{} // closed: the current event stream fails
	subscribed int
	stopFails  int // Stops still to fail
}

func (f *faultRuntime) Events(ctx context.Context) (<-chan containers.Event, <-chan error) {
	f.mu.Lock()
	f.subscribed++
	brk := f.breakFeed
	f.mu.Unlock()
	sctx, cancel := context.WithCancel(ctx)
	in, inErr := f.recordingRuntime.Events(sctx)
	out, errc := make(chan containers.Event), make(chan error, 1)
	go func() {
		defer close(out)
		defer close(errc)
		defer cancel()
		for {
			select {
			case ev, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			case err, ok := <-inErr:
				if ok && err != nil {
					errc <- err
				}
				return
			case <-brk:
				errc <- errors.New("event stream broke")
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, errc
}

func (f *faultRuntime) subscriptions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.subscribed
}

func (f *faultRuntime) Stop(ctx context.Context, id string, timeout time.Duration) error {
	f.mu.Lock()
	fail := f.stopFails > 0
	if fail {
		f.stopFails--
	}
	f.mu.Unlock()
	if fail {
		return errors.New("injected stop failure")
	}
	return f.recordingRuntime.Stop(ctx, id, timeout)
}

type faultEnv struct {
	*prepEnv
	clk   *clock.Fake
	fault *faultRuntime
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rec := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	f := &faultRuntime{recordingRuntime: rec, breakFeed: make(chan struct{})}
	store := agenttest.NewStore()
	a := New(Config{Runtime: f, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return &faultEnv{prepEnv: &prepEnv{store: store, rt: rec, agent: a}, clk: clk, fault: f}
}

// advanceUntil moves the fake clock a second at a time until cond holds.
func (e *faultEnv) advanceUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		e.clk.Advance(time.Second)
		time.Sleep(time.Millisecond)
	}
}

// When the runtime's event stream ends (Docker restarted, a subscriber fell behind),
// the agent subscribes again and looks at every task, so an essential container that
// exits afterwards still stops its task.
func TestEventStreamEndDoesNotStrandTasks(t *testing.T) {
	e := newFaultEnv(t)
	app := container("app")
	app.DockerLabels = map[string]string{sim.LabelExitAfter: "5s", sim.LabelExitCode: "3"}
	arn := e.run(taskDef(app), nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.fault.mu.Lock()
	close(e.fault.breakFeed) // this stream fails; the next ones work
	e.fault.breakFeed = nil
	e.fault.mu.Unlock()
	e.advanceUntil(t, "the task stops after its essential container exits", func() bool {
		task, _, _ := e.store.Task(arn)
		return task.LastStatus == ecs.StatusStopped
	})
	task, _, _ := e.store.Task(arn)
	if task.StopCode != ecs.StopEssentialContainerExited || ecs.Deref(task.Containers[0].ExitCode) != 3 {
		t.Errorf("stopped with %s, exit code %v", task.StopCode, task.Containers[0].ExitCode)
	}
	if n := e.fault.subscriptions(); n != 2 {
		t.Errorf("%d event subscriptions, want one more after the stream ended", n)
	}
}

// A Stop the runtime fails is tried again: the task does not stay STOPPING with its
// container running.
func TestFailedStopIsRetried(t *testing.T) {
	e := newFaultEnv(t)
	arn := e.run(taskDef(container("app")), nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.fault.mu.Lock()
	e.fault.stopFails = 1
	e.fault.mu.Unlock()
	if _, err := e.store.UpdateTask(arn, func(t *ecs.Task) error {
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopUserInitiated, "test"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.agent.Nudge(arn)
	e.advanceUntil(t, "the task stops after a failed Stop", func() bool {
		task, _, _ := e.store.Task(arn)
		return task.LastStatus == ecs.StatusStopped
	})
}

// blockingInspect makes Inspect of one container wait, as a stuck engine does, until
// the caller's context ends.
type blockingInspect struct {
	*faultRuntime
	id      string
	blocked chan struct{}
}

func (b *blockingInspect) Inspect(ctx context.Context, id string) (containers.State, error) {
	if id == b.id {
		select {
		case b.blocked <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return containers.State{}, ctx.Err()
	}
	return b.faultRuntime.Inspect(ctx, id)
}

// Every runtime call of a runner honours the agent's context: when it ends, a runner
// stuck on the engine returns, so Wait (and `ecsmini up`'s exit) does not hang.
func TestStuckInspectEndsWithTheAgent(t *testing.T) {
	e := newFaultEnv(t)
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)

	// A second agent over the same runtime, whose Inspect of the pause container hangs.
	pause, err := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn, LabelContainerName: pauseContainerName})
	if err != nil || len(pause) != 1 {
		t.Fatalf("pause container: %v %v", pause, err)
	}
	b := &blockingInspect{faultRuntime: e.fault, id: pause[0].ID, blocked: make(chan struct{}, 1)}
	a := New(Config{Runtime: b, Clock: e.clk, Store: e.store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	a.Adopt(arn, pause)
	select {
	case <-b.blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("the pause container was never inspected")
	}
	cancel()
	waited := make(chan struct{})
	go func() { a.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("Wait still blocked on a runtime call after the agent's context ended")
	}
}

// A container removed behind ecsmini's back stops its task as if killed, and its
// reason says what happened.
func TestContainerRemovedOutsideEcsmini(t *testing.T) {
	e := newPrepEnv(t, nil)
	arn := e.run(taskDef(container("web")), nil)
	running := e.waitStatus(t, arn, ecs.StatusRunning)
	if err := e.rt.Remove(context.Background(), running.Containers[0].RuntimeID); err != nil {
		t.Fatal(err)
	}
	e.agent.Nudge(arn)
	stopped := e.waitStatus(t, arn, ecs.StatusStopped)
	c := stopped.Containers[0]
	if stopped.StopCode != ecs.StopEssentialContainerExited || ecs.Deref(c.ExitCode) != 137 || c.Reason != "container removed outside ecsmini" {
		t.Fatalf("stopCode %q, exit %v, reason %q", stopped.StopCode, ecs.Deref(c.ExitCode), c.Reason)
	}
}
