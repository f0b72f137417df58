package emulator_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkMemoryPerTask is the heap a RUNNING simulated task costs, everything
// included: its task record and versions in the store, the journal, the agent's
// runner, the simulated runtime's containers, log buffers and events. It runs 5,000
// awsvpc Fargate tasks (50 services of 100) on the simulated runtime and reports the
// live heap after a GC divided by the tasks, as bytes/task.
//
//	go test ./emulator -run '^$' -bench MemoryPerTask -benchtime 1x [-memprofile mem.out]
func BenchmarkMemoryPerTask(b *testing.B) {
	for b.Loop() {
		perTask := memoryPerTask(b, b.TempDir(), 50, 100)
		b.ReportMetric(perTask, "bytes/task")
	}
}

func memoryPerTask(tb testing.TB, stateDir string, services, per int) float64 {
	tb.Helper()
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	emu, err := emulator.New(emulator.Config{Clock: fake, StateDir: stateDir, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer emu.Close()
	rt := sim.New(fake, sim.Options{})
	a := agent.New(agent.Config{Runtime: rt, Clock: fake, Store: emu, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	emu.SetRunner(a)
	done := make(chan error, 1)
	go func() { done <- emu.Run(ctx) }()
	defer func() {
		cancel()
		a.Wait()
		if err := <-done; err != nil {
			tb.Error(err)
		}
	}()
	before := liveHeap()
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", NetworkMode: ecs.Ptr("awsvpc"), RequiresCompatibilities: []string{"FARGATE"},
		Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"), ContainerDefinitions: []ecs.ContainerDefinition{{
			Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(8080)}}}}}
	if _, err := emu.RegisterTaskDefinition(ctx, td); err != nil {
		tb.Fatal(err)
	}
	net := &ecs.NetworkConfiguration{AwsvpcConfiguration: &ecs.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	names := make([]string, services)
	for i := range services {
		names[i] = fmt.Sprintf("svc-%04d", i)
		if _, err := emu.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: names[i], TaskDefinition: "web",
			DesiredCount: ecs.Ptr(per), LaunchType: "FARGATE", NetworkConfiguration: net}); err != nil {
			tb.Fatal(err)
		}
	}
	waitServices(tb, emu, names, func(s *ecs.Service) bool { return s.RunningCount == per })
	fake.Advance(41 * time.Second)
	waitServices(tb, emu, names, func(s *ecs.Service) bool {
		return len(s.Deployments) == 1 && s.Deployments[0].RolloutState == ecs.RolloutCompleted && s.RunningCount == per
	})
	after := liveHeap()
	return float64(after-before) / float64(services*per)
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
