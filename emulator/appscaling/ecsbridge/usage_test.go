package ecsbridge

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// samples answers each Stats call with the next of its samples.
type samples []containers.Stats

func (s *samples) Stats(context.Context, string) (containers.Stats, error) {
	st := (*s)[0]
	*s = (*s)[1:]
	return st, nil
}

// Docker collects stats once a second: two samples can come from one collection. The
// second then gives the rate last measured, not a missing datapoint (which broke the
// fifteen-minute run a scale-in needs, so a service on Docker stayed scaled out).
func TestTaskUsageOfARepeatedCollection(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	at := func(s int, cpuNanos uint64) containers.Stats {
		return containers.Stats{Read: t0.Add(time.Duration(s) * time.Second), CPUTotalNanos: cpuNanos}
	}
	src := samples{
		at(0, 0),
		at(1, 500_000_000), // half a core for a second
		at(1, 500_000_000), // the same collection again
		at(3, 500_000_000), // idle since
	}
	b := New(nil, &src)
	task := &ecs.Task{Containers: []ecs.Container{{RuntimeID: "c1", LastStatus: ecs.ContainerRunning}}}
	want := []struct {
		cpu float64
		ok  bool
	}{{0, false}, {512, true}, {512, true}, {0, true}}
	for i, w := range want {
		cpu, _, ok, err := b.taskUsage(context.Background(), task)
		if err != nil || ok != w.ok || cpu != w.cpu {
			t.Errorf("sample %d: cpu %v ok %v err %v, want cpu %v ok %v", i, cpu, ok, err, w.cpu, w.ok)
		}
	}
}
