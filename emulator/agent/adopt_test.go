package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// crashEnv runs tasks on an agent that can "crash" (its context ends without
// Shutdown, leaving the containers running), and then starts a second agent over the
// same runtime and store, as `ecsmini up` does after kill -9.
type crashEnv struct {
	*prepEnv
	clk    *clock.Fake
	cancel context.CancelFunc
}

func newCrashEnv(t *testing.T) *crashEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return &crashEnv{prepEnv: &prepEnv{store: store, rt: rt, agent: a}, clk: clk, cancel: cancel}
}

// crash ends the first agent without stopping its tasks.
func (e *crashEnv) crash() {
	e.cancel()
	e.agent.Wait()
}

// restart starts a new agent and has it adopt arn's containers, when Adoptable says so.
func (e *crashEnv) restart(t *testing.T, arn string) (adopted bool) {
	t.Helper()
	a := New(Config{Runtime: e.rt, Clock: e.clk, Store: e.store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	e.agent = a
	found, err := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if !Adoptable(found) {
		return false
	}
	a.Adopt(arn, found)
	return true
}

// A container that exits while ecsmini is not running is reported, once ecsmini is
// back, as ECS reports an essential container's exit: stop code, exit code, OOM reason
// and the times it exited at; only then are its containers removed.
func TestAdoptReportsExitWhileDown(t *testing.T) {
	tests := []struct {
		name       string
		labels     map[string]string
		memory     int
		awsvpc     bool
		wantCode   int
		wantReason string
	}{
		{name: "exit code 3", labels: map[string]string{sim.LabelExitAfter: "30s", sim.LabelExitCode: "3"}, wantCode: 3},
		{name: "exit code 3, awsvpc (pause still running)", labels: map[string]string{sim.LabelExitAfter: "30s", sim.LabelExitCode: "3"}, awsvpc: true, wantCode: 3},
		{name: "OOM-killed", labels: map[string]string{sim.LabelAllocateMiB: "512"}, memory: 128, wantCode: 137, wantReason: OOMReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCrashEnv(t)
			app := container("app")
			app.DockerLabels = tt.labels
			if tt.memory > 0 {
				app.Memory = ecs.Ptr(tt.memory)
			}
			td := taskDef(app)
			if tt.awsvpc {
				td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
			}
			arn := e.run(td, nil)
			running := e.waitStatus(t, arn, ecs.StatusRunning)
			e.crash()
			e.clk.Advance(time.Minute) // the container exits while no agent runs
			st, err := e.rt.Inspect(t.Context(), running.Containers[0].RuntimeID)
			if err != nil || st.Status != containers.Exited {
				t.Fatalf("the container did not exit while ecsmini was down: %+v %v", st, err)
			}
			e.clk.Advance(time.Hour) // ecsmini comes back an hour later
			if !e.restart(t, arn) {
				t.Fatal("the task with an exited container was not adopted")
			}
			stopped := e.waitStatus(t, arn, ecs.StatusStopped)
			c := stopped.Containers[0]
			finished := st.FinishedAt
			switch {
			case stopped.StopCode != ecs.StopEssentialContainerExited || stopped.StoppedReason != "Essential container in task exited":
				t.Errorf("stopped with %s %q", stopped.StopCode, stopped.StoppedReason)
			case ecs.Deref(c.ExitCode) != tt.wantCode || c.Reason != tt.wantReason:
				t.Errorf("container exit code %v reason %q, want %d %q", ecs.Deref(c.ExitCode), c.Reason, tt.wantCode, tt.wantReason)
			case stopped.StoppedAt == nil || !stopped.StoppedAt.Equal(finished):
				t.Errorf("stoppedAt %v, want the container's finish %v", stopped.StoppedAt, finished)
			case stopped.ExecutionStoppedAt == nil || !stopped.ExecutionStoppedAt.Equal(finished) ||
				stopped.StoppingAt == nil || !stopped.StoppingAt.Equal(finished):
				t.Errorf("executionStoppedAt %v stoppingAt %v, want %v", stopped.ExecutionStoppedAt, stopped.StoppingAt, finished)
			}
			if left, _ := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn}); len(left) != 0 {
				t.Errorf("containers left after the task was reported: %d", len(left))
			}
		})
	}
}

// A task whose containers all exited and were removed while ecsmini was down is not
// adopted: nothing is left to report on (the caller records it as gone).
func TestAdoptSkipsTaskWithNothingLeft(t *testing.T) {
	e := newCrashEnv(t)
	arn := e.run(taskDef(container("app")), nil)
	running := e.waitStatus(t, arn, ecs.StatusRunning)
	e.crash()
	if err := e.rt.Remove(t.Context(), running.Containers[0].RuntimeID); err != nil {
		t.Fatal(err)
	}
	if e.restart(t, arn) {
		t.Fatal("a task with no containers left was adopted")
	}
}

// An adopted awsvpc task whose pause container is gone has lost its network: it stops,
// and the container that was still running says why.
func TestAdoptNoticesMissingPause(t *testing.T) {
	e := newCrashEnv(t)
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.crash()
	pause, err := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn, LabelContainerName: pauseContainerName})
	if err != nil || len(pause) != 1 {
		t.Fatalf("pause container: %v %v", pause, err)
	}
	if err := e.rt.Remove(t.Context(), pause[0].ID); err != nil {
		t.Fatal(err)
	}
	if !e.restart(t, arn) {
		t.Fatal("the task with a running container was not adopted")
	}
	stopped := e.waitStatus(t, arn, ecs.StatusStopped)
	c := stopped.Containers[0]
	if stopped.StopCode != ecs.StopEssentialContainerExited || stopped.StoppedReason != EssentialExitReason ||
		!strings.HasPrefix(c.Reason, "the task's network is gone: its pause container was gone when ecsmini started again") {
		t.Errorf("stopped with %s %q, container reason %q", stopped.StopCode, stopped.StoppedReason, c.Reason)
	}
	if left, _ := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn}); len(left) != 0 {
		t.Errorf("containers left: %d", len(left))
	}
}

// A container the adopted task had created that was removed while ecsmini was down
// is reported as removed, not started again.
func TestAdoptDoesNotRestartRemovedContainer(t *testing.T) {
	e := newCrashEnv(t)
	arn := e.run(taskDef(container("app"), container("side")), nil)
	running := e.waitStatus(t, arn, ecs.StatusRunning)
	e.crash()
	var side string
	for _, c := range running.Containers {
		if c.Name == "side" {
			side = c.RuntimeID
		}
	}
	if err := e.rt.Remove(t.Context(), side); err != nil {
		t.Fatal(err)
	}
	if !e.restart(t, arn) {
		t.Fatal("not adopted")
	}
	stopped := e.waitStatus(t, arn, ecs.StatusStopped)
	for _, c := range stopped.Containers {
		if c.Name == "side" && (ecs.Deref(c.ExitCode) != 137 || c.Reason != "container removed outside ecsmini") {
			t.Errorf("side: exit %v reason %q", ecs.Deref(c.ExitCode), c.Reason)
		}
	}
	if n := len(e.rt.specs); n != 2 {
		t.Errorf("%d containers created, want the 2 of the first run only", n)
	}
}

// Removing a running awsvpc task's pause container (docker rm -f) takes its network
// and published ports: the task stops as on an essential container's exit, and its
// containers say why.
func TestPauseRemovedStopsTask(t *testing.T) {
	e := newCrashEnv(t)
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	pause, err := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn, LabelContainerName: pauseContainerName})
	if err != nil || len(pause) != 1 {
		t.Fatalf("pause container: %v %v", pause, err)
	}
	if err := e.rt.Remove(t.Context(), pause[0].ID); err != nil {
		t.Fatal(err)
	}
	stopped := e.waitStatus(t, arn, ecs.StatusStopped)
	c := stopped.Containers[0]
	if stopped.StopCode != ecs.StopEssentialContainerExited || stopped.StoppedReason != EssentialExitReason ||
		c.Reason != "the task's network is gone: its pause container was removed outside ecsmini" {
		t.Errorf("stopped with %s %q, container reason %q", stopped.StopCode, stopped.StoppedReason, c.Reason)
	}
}
