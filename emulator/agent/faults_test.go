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
// failing (and every new subscription with it, while the engine is down), Stop
// failing. Its event streams are tracked, as the sim's are, so that a Settle waits for
// the agent to react to a failure as to an event.
type faultRuntime struct {
	*recordingRuntime
	act        *clock.Activity
	mu         sync.Mutex
	down       bool          // every stream fails at once
	broken     chan struct{} // closed when the engine goes down: the current streams fail
	subscribed int
	stopFails  int // Stops still to fail
}

func (f *faultRuntime) TrackedEvents(ctx context.Context) (<-chan containers.Event, <-chan error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subscribed++
	out, errc := make(chan containers.Event), make(chan error, 1)
	if f.down {
		f.act.Add(1) // the failure's token, handed to the agent with it
		errc <- f.failure()
		close(out)
		close(errc)
		return out, errc
	}
	brk := f.broken
	sctx, cancel := context.WithCancel(ctx)
	in, inErr := f.recordingRuntime.TrackedEvents(sctx)
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
					ev.Done()
					return
				}
			case err, ok := <-inErr:
				if ok && err != nil {
					errc <- err
				}
				return
			case <-brk:
				// The events not yet delivered are lost with the stream, and their tokens
				// given back; the failure carries the token goDown took.
				cancel()
				for ev := range in {
					ev.Done()
				}
				errc <- f.failure()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, errc
}

// failure is the error a stream fails with; it holds a token the caller took.
func (f *faultRuntime) failure() error {
	return &containers.StreamError{Err: errors.New("event stream broke"), Handled: f.act.Done}
}

// goDown makes the current event streams fail, and every subscription until goUp. The
// test calls it with one stream open: the token it takes is that stream's failure's.
func (f *faultRuntime) goDown() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = true
	f.act.Add(1)
	close(f.broken)
}

func (f *faultRuntime) goUp() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down, f.broken = false, make(chan struct{})
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
	act   *clock.Activity
	fault *faultRuntime
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	act := clock.NewActivity()
	rec := &recordingRuntime{Runtime: sim.New(clk, sim.Options{Activity: act}), specs: map[string]containers.Spec{}}
	f := &faultRuntime{recordingRuntime: rec, act: act, broken: make(chan struct{})}
	store := agenttest.NewStore()
	a := New(Config{Runtime: f, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause", Activity: act})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return &faultEnv{prepEnv: &prepEnv{store: store, rt: rec, agent: a}, clk: clk, act: act, fault: f}
}

// settle waits until the agent and the runtime have done all they can at the current
// time.
func (e *faultEnv) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang, not a timing
	defer cancel()
	if err := e.act.Wait(ctx); err != nil {
		t.Fatalf("the agent did not settle: %v", err)
	}
}

// advance moves the fake clock d, a second at a time, letting the agent and the runtime
// settle after each.
func (e *faultEnv) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.settle(t)
	for range d / time.Second {
		e.clk.Advance(time.Second)
		e.settle(t)
	}
}

func (e *faultEnv) status(t *testing.T, arn string) *ecs.Task {
	t.Helper()
	task, _, err := e.store.Task(arn)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// When the runtime's event stream ends (Docker restarted, a subscriber fell behind),
// the agent subscribes again, a second later and every second until it works, and each
// time looks at every task: an essential container that exited while no stream was open
// (its event lost) still stops its task.
func TestEventStreamEndDoesNotStrandTasks(t *testing.T) {
	e := newFaultEnv(t)
	app := container("app")
	app.DockerLabels = map[string]string{sim.LabelExitAfter: "5s", sim.LabelExitCode: "3"}
	arn := e.run(taskDef(app), nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.advance(t, 0)

	e.fault.goDown()
	// The container exits at 5 s, when no stream is open: its event is lost. The agent
	// tries a stream again then too (the try fails) and looks.
	e.advance(t, 5*time.Second)
	task := e.status(t, arn)
	if task.LastStatus != ecs.StatusStopped || task.StopCode != ecs.StopEssentialContainerExited || ecs.Deref(task.Containers[0].ExitCode) != 3 {
		t.Errorf("task %s with %s, exit code %v; want STOPPED, EssentialContainerExited, 3", task.LastStatus, task.StopCode, task.Containers[0].ExitCode)
	}

	e.fault.goUp()
	e.advance(t, time.Second)
	// The first stream, one failed try a second while the engine was down, the last.
	if n := e.fault.subscriptions(); n != 7 {
		t.Errorf("%d event subscriptions, want 7", n)
	}
}

// A Stop the runtime fails is tried again a second later: the task does not stay
// STOPPING with its container running.
func TestFailedStopIsRetried(t *testing.T) {
	e := newFaultEnv(t)
	arn := e.run(taskDef(container("app")), nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.settle(t)
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
	e.settle(t)
	if task := e.status(t, arn); task.LastStatus == ecs.StatusStopped {
		t.Fatal("task STOPPED although its Stop failed")
	}
	e.advance(t, time.Second)
	if task := e.status(t, arn); task.LastStatus != ecs.StatusStopped {
		t.Errorf("task %s a second after its Stop failed, want STOPPED", task.LastStatus)
	}
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
