package agent

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A runner waiting for news holds no goroutine (5,000 running tasks held 5,000); a
// nudge still wakes it (a stop is carried out), and the agent's end ends it.
func TestRunnersParkWithoutGoroutines(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e := &prepEnv{store: store, rt: rt, agent: a}
	const n = 50
	before := runtime.NumGoroutine()
	arns := make([]string, n)
	for i := range arns {
		arns[i] = e.run(taskDef(container("app")), nil)
	}
	for _, arn := range arns {
		e.waitStatus(t, arn, ecs.StatusRunning)
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine()-before >= n/5 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines for %d running tasks, want fewer than %d", runtime.NumGoroutine()-before, n, n/5)
		}
		runtime.Gosched()
	}
	if task := e.stop(t, arns[0]); task.LastStatus != ecs.StatusStopped {
		t.Fatalf("stopped task is %s", task.LastStatus)
	}
	cancel()
	waited := make(chan struct{})
	go func() { a.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatalf("parked runners did not end with the agent's context: %d left", len(a.Running()))
	}
	if left := a.Running(); len(left) != 0 {
		t.Fatalf("%d runners left after the agent ended", len(left))
	}
}
