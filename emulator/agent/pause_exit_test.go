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

// stalePause makes the pause container exit at once, as a pause image built by an older
// ecsmini does on flags it does not know.
type stalePause struct{ *sim.Runtime }

func (s stalePause) Create(ctx context.Context, spec containers.Spec) (string, error) {
	if spec.Labels[LabelContainerName] == pauseContainerName {
		spec.Cmd = []string{"workload", "--exit-code", "2", "--exit-after", "0s"}
	}
	return s.Runtime.Create(ctx, spec)
}

// TestStalePauseImageIsExplained: when an awsvpc task's pause container has exited, the
// task fails with a reason that says so and how to mend it, not with Docker's "cannot
// join network of a non running container".
func TestStalePauseImageIsExplained(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: stalePause{rt.Runtime}, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "old-pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	e := &prepEnv{store: store, rt: rt, agent: a}
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	if task.StopCode != ecs.StopTaskFailedToStart || !strings.Contains(task.StoppedReason, "ResourceInitializationError: the task's network namespace is gone") ||
		!strings.Contains(task.StoppedReason, "ecsmini image build") || !strings.Contains(task.StoppedReason, "old-pause") {
		t.Fatalf("stopped %s: %q", task.StopCode, task.StoppedReason)
	}
}
