package emulator

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// fakeAgent plays the agent for scheduler benchmarks: each task it is told to launch
// reaches RUNNING at once, each it is nudged about is STOPPED.
type fakeAgent struct{ e *Emulator }

func (a fakeAgent) Launch(arn string) {
	now := a.e.cfg.Clock.Now()
	_, _ = a.e.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.StartedAt = ecs.StatusRunning, ecs.At(now)
		return nil
	})
}

func (a fakeAgent) Nudge(arn string) {
	now := a.e.cfg.Clock.Now()
	_, _ = a.e.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.StoppedAt = ecs.StatusStopped, ecs.At(now)
		return nil
	})
}

// steadyServices builds n services of perService tasks each and runs the scheduler
// until all are steady.
func steadyServices(tb testing.TB, n, perService int) (*Emulator, *clock.Fake, []string) {
	tb.Helper()
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	e, err := New(Config{Clock: fake})
	if err != nil {
		tb.Fatal(err)
	}
	e.SetRunner(fakeAgent{e})
	ctx := context.Background()
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), Memory: ecs.Ptr(64)}}}
	if _, err := e.RegisterTaskDefinition(ctx, td); err != nil {
		tb.Fatal(err)
	}
	var keys []string
	for i := range n {
		name := fmt.Sprintf("svc-%04d", i)
		if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: name, TaskDefinition: "web",
			DesiredCount: ecs.Ptr(perService)}); err != nil {
			tb.Fatal(err)
		}
		keys = append(keys, state.ServiceKey("us-east-1", "default", name))
	}
	reconcileAll(tb, e)
	fake.Advance(41 * time.Second) // tasks without health checks count as healthy now
	reconcileAll(tb, e)
	for _, k := range keys {
		r, _ := e.services.Get(k)
		if !r.Steady {
			tb.Fatalf("%s not steady: %+v", k, r.Deployments)
		}
	}
	return e, fake, keys
}

// reconcileAll runs scheduler passes until nothing is dirty.
func reconcileAll(tb testing.TB, e *Emulator) {
	tb.Helper()
	for range 100 {
		if _, err := e.ReconcileServices(); err != nil {
			tb.Fatal(err)
		}
		if e.ctl.DirtyCount() == 0 {
			return
		}
	}
	tb.Fatal("the scheduler never settled")
}

// BenchmarkServicesToSteadyState creates 200 services of 5 tasks and plans them until
// every one is steady (the agent is a stand-in that answers at once).
func BenchmarkServicesToSteadyState(b *testing.B) {
	for b.Loop() {
		steadyServices(b, 200, 5)
	}
}

// BenchmarkSchedulerTick measures one control-loop pass in which one service changed,
// with ever more steady services around it: the cost must follow the change, not the
// number of services and tasks.
func BenchmarkSchedulerTick(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("services=%d,tasks=%d", n, 5*n), func(b *testing.B) {
			e, _, keys := steadyServices(b, n, 5)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				e.ctl.MarkDirty(keys[i%len(keys)])
				if _, err := e.ReconcileServices(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("idle,services=1000", func(b *testing.B) {
		e, _, _ := steadyServices(b, 1000, 5)
		b.ResetTimer()
		for b.Loop() {
			if _, err := e.ReconcileServices(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSchedulerPassPlansOnlyWhatChanged pins the property the tick benchmark measures:
// a pass plans the dirty services only.
func TestSchedulerPassPlansOnlyWhatChanged(t *testing.T) {
	e, _, keys := steadyServices(t, 50, 5)
	before := e.store.Seq()
	if _, err := e.ReconcileServices(); err != nil {
		t.Fatal(err)
	}
	if got := e.store.Seq(); got != before {
		t.Fatalf("an idle pass committed %d times", got-before)
	}
	if _, err := e.UpdateService(context.Background(), &ecs.UpdateServiceInput{Service: "svc-0007", DesiredCount: ecs.Ptr(6)}); err != nil {
		t.Fatal(err)
	}
	if due := e.ctl.Due(e.cfg.Clock.Now()); len(due) != 1 || due[0] != keys[7] {
		t.Fatalf("due after one update: %v", due)
	}
	// Planning a steady service again changes nothing, and writes nothing.
	e.ctl.MarkDirty(keys[3])
	before = e.store.Seq()
	if _, err := e.ReconcileServices(); err != nil {
		t.Fatal(err)
	}
	if got := e.store.Seq(); got != before {
		t.Fatalf("re-planning a steady service committed %d times", got-before)
	}
}
