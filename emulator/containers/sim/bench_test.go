package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// BenchmarkLifecycle1000 creates, starts, stops and removes 1,000 containers, each with a
// dynamic host port on a shared network, all running at once before the stops, as a
// scheduler test of a thousand tasks would. Reported per container.
func BenchmarkLifecycle1000(b *testing.B) {
	const n = 1000
	ctx := context.Background()
	specs := make([]containers.Spec, n)
	for i := range specs {
		specs[i] = containers.Spec{
			Name:        fmt.Sprintf("task-%d-app", i),
			Image:       testImage,
			NetworkMode: "cluster",
			Labels:      map[string]string{"com.amazonaws.ecs.cluster": "default", "ecsmini.sim/exit-after": "1h"},
			Ports:       []containers.PortBinding{{ContainerPort: 80, HostIP: "127.0.0.1"}},
			Health:      &containers.HealthCheck{Test: []string{"CMD", "probe"}, Interval: 10 * time.Second},
		}
	}
	ids := make([]string, n)
	b.ReportAllocs()
	for b.Loop() {
		rt, fake := newSim(b)
		if _, err := rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: "cluster"}); err != nil {
			b.Fatal(err)
		}
		for i, spec := range specs {
			id, err := rt.Create(ctx, spec)
			if err != nil {
				b.Fatal(err)
			}
			if err := rt.Start(ctx, id); err != nil {
				b.Fatal(err)
			}
			ids[i] = id
		}
		fake.Advance(time.Minute) // six health probes each
		for _, id := range ids {
			if err := rt.Stop(ctx, id, 30*time.Second); err != nil {
				b.Fatal(err)
			}
			if err := rt.Remove(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/container")
}
