package emulator

import (
	"context"
	"fmt"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkAgentPoll is one poll of a remote agent whose instance runs n tasks in a
// cluster of 10n: the heartbeat, the instance's tasks found among the cluster's and
// each read with its definition. Every agent does this every few seconds.
func BenchmarkAgentPoll(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			e := instancesEmulator(b, 0)
			ctx := context.Background()
			for range 9 {
				if _, err := e.AddInstance(ctx, AddInstanceRequest{Cluster: "c", External: true}); err != nil {
					b.Fatal(err)
				}
			}
			ci, err := e.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{Cluster: "c",
				Attributes:     []ecs.Attribute{{Name: "ecs.capability.external"}},
				TotalResources: []ecs.Resource{{Name: "CPU", IntegerValue: 1 << 20}, {Name: "MEMORY", IntegerValue: 1 << 20}}})
			if err != nil {
				b.Fatal(err)
			}
			arn := ci.ContainerInstance.ContainerInstanceArn
			for range 10 * n {
				if _, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: "c", TaskDefinition: "web", LaunchType: ecs.LaunchExternal}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, _, err := e.AgentPoll(ctx, "c", arn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
