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

// BenchmarkServiceOnInstances brings a service of tasks to steady state on simulated
// instances (spread over zones, then binpack memory, memberOf an attribute): the
// emulator's placement path end to end — capacity read from the store, one placement
// per task, the tasks recorded. It reports the time per task placed.
func BenchmarkServiceOnInstances(b *testing.B) {
	for _, size := range []struct{ instances, tasks int }{{10, 100}, {100, 1000}, {1000, 5000}} {
		b.Run(fmt.Sprintf("instances=%d/tasks=%d", size.instances, size.tasks), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e := instancesEmulator(b, size.instances)
				b.StartTimer()
				ctx := context.Background()
				if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: "web", TaskDefinition: "web", Cluster: "c",
					DesiredCount: ecs.Ptr(size.tasks), LaunchType: ecs.LaunchEC2,
					PlacementStrategy:    []ecs.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "binpack", Field: "memory"}},
					PlacementConstraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "attribute:ecs.instance-type =~ m5.*"}}}); err != nil {
					b.Fatal(err)
				}
				reconcileAll(b, e)
				if n := len(e.ctl.MemberKeys(state.ServiceKey("us-east-1", "c", "web"))); n != size.tasks {
					b.Fatalf("%d tasks placed, want %d", n, size.tasks)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size.tasks), "ns/task")
		})
	}
}

// instancesEmulator is an emulator with cluster c of n m5.xlarge instances over three
// zones and a 128 MiB task definition "web".
func instancesEmulator(tb testing.TB, n int) *Emulator {
	tb.Helper()
	e, err := New(Config{Clock: clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		tb.Fatal(err)
	}
	e.SetRunner(fakeAgent{e})
	ctx := context.Background()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: ecs.Ptr("c")}); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		az := []string{"us-east-1a", "us-east-1b", "us-east-1c"}[i%3]
		if _, err := e.AddInstance(ctx, AddInstanceRequest{Cluster: "c", Type: "m5.xlarge", AZ: az}); err != nil {
			tb.Fatal(err)
		}
	}
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), Memory: ecs.Ptr(128), Cpu: 64}}}
	if _, err := e.RegisterTaskDefinition(ctx, td); err != nil {
		tb.Fatal(err)
	}
	return e
}
