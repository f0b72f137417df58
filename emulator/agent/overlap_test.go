package agent

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// slowPause is a runtime whose pause container starts only once the task's app
// container has been created, as if starting the namespace took the engine that long:
// an agent that creates its containers only after the pause container runs never gets
// there.
type slowPause struct {
	*sim.Runtime
	mu      sync.Mutex
	pause   string
	creates map[string]int // by ECS container name
	app     chan struct{}
}

func (s *slowPause) Create(ctx context.Context, spec containers.Spec) (string, error) {
	id, err := s.Runtime.Create(ctx, spec)
	if err != nil {
		return id, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := spec.Labels[LabelContainerName]
	s.creates[name]++
	switch name {
	case pauseContainerName:
		s.pause = id
	case "app":
		close(s.app)
	}
	return id, nil
}

func (s *slowPause) Start(ctx context.Context, id string) error {
	s.mu.Lock()
	pause := id == s.pause
	s.mu.Unlock()
	if pause {
		select {
		case <-s.app:
		case <-time.After(5 * time.Second):
			return errors.New("the app container was not created while the pause container started")
		}
	}
	return s.Runtime.Start(ctx, id)
}

// TestAwsvpcCreatesWhilePauseStarts: an awsvpc task's containers are created while
// its pause container starts (the slowest step on Docker), once each, and the task runs.
func TestAwsvpcCreatesWhilePauseStarts(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &slowPause{Runtime: sim.New(clk, sim.Options{}), creates: map[string]int{}, app: make(chan struct{})}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	e := &prepEnv{store: store, rt: &recordingRuntime{Runtime: rt.Runtime, specs: map[string]containers.Spec{}}, agent: a}
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	task := e.waitStatus(t, arn, ecs.StatusRunning)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.creates["app"] != 1 || rt.creates[pauseContainerName] != 1 {
		t.Fatalf("creates %v, want one of each", rt.creates)
	}
	if task.Containers[0].LastStatus != "RUNNING" {
		t.Fatalf("app %s", task.Containers[0].LastStatus)
	}
}

// TestWarmNetworkRemovedBehindTheAgent: the second awsvpc task skips looking the
// cluster network up; when it was removed in between, the task still runs (the create
// that misses it readies it again).
func TestWarmNetworkRemovedBehindTheAgent(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	e := &prepEnv{store: store, rt: rt, agent: a}
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	first := e.run(td, nil)
	e.waitStatus(t, first, ecs.StatusRunning)
	net := clusterNetwork("", "default")
	if !a.isWarm(net) {
		t.Fatalf("network %s not warm after the first task", net)
	}
	if _, err := store.UpdateTask(first, func(t *ecs.Task) error { t.DesiredStatus = ecs.StatusStopped; return nil }); err != nil {
		t.Fatal(err)
	}
	a.Nudge(first)
	e.waitStatus(t, first, ecs.StatusStopped)
	if err := rt.RemoveNetwork(ctx, net); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, e.run(td, nil), ecs.StatusRunning)
}
