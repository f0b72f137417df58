package emulator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

// BenchmarkMemoryPerTask is the memory a RUNNING simulated task costs, everything
// `ecsmini up --runtime sim` gives it: its task record and versions in the store, the
// journal, the agent's runner, the simulated runtime's containers, the log
// collector's follower and buffers, and events. It runs 5,000 awsvpc Fargate tasks (50
// services of 100) and reports the live heap after a GC plus the goroutine stacks,
// divided by the tasks, as bytes/task (and each part on its own).
//
//	go test ./emulator -run '^$' -bench MemoryPerTask -benchtime 1x
//
// With ECSMINI_PEAK_HEAP=FILE it also writes the heap profile with the 5,000 tasks
// running (-memprofile would catch them gone): go tool pprof -sample_index=inuse_space.
func BenchmarkMemoryPerTask(b *testing.B) {
	for b.Loop() {
		u := memoryPerTask(b, b.TempDir(), 50, 100)
		b.ReportMetric(u.heap+u.stack, "bytes/task")
		b.ReportMetric(u.heap, "heap-bytes/task")
		b.ReportMetric(u.stack, "stack-bytes/task")
		b.ReportMetric(u.goroutines, "goroutines/task")
	}
}

// usage is what a task costs.
type usage struct{ heap, stack, goroutines float64 }

func memoryPerTask(tb testing.TB, stateDir string, services, per int) usage {
	tb.Helper()
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	emu, err := emulator.New(emulator.Config{Clock: fake, StateDir: stateDir, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer emu.Close()
	rt := sim.New(fake, sim.Options{})
	collector := logs.NewCollector(rt, filepath.Join(stateDir, "logs"), fake)
	a := agent.New(agent.Config{Runtime: rt, Clock: fake, Store: emu, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	collected := make(chan error, 1)
	go func() { collected <- collector.Run(ctx) }()
	<-collector.Ready()
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
		if err := <-collected; err != nil && ctx.Err() == nil {
			tb.Error(err)
		}
	}()
	before := measure()
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
	after := measure()
	if path := os.Getenv("ECSMINI_PEAK_HEAP"); path != "" {
		writeHeapProfile(tb, path)
	}
	n := float64(services * per)
	return usage{heap: (after.heap - before.heap) / n, stack: (after.stack - before.stack) / n,
		goroutines: (after.goroutines - before.goroutines) / n}
}

func writeHeapProfile(tb testing.TB, path string) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		tb.Fatal(err)
	}
}

// measure is the heap in use after a full collection, the goroutines' stacks and
// their number.
func measure() usage {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return usage{heap: float64(ms.HeapAlloc), stack: float64(ms.StackInuse), goroutines: float64(runtime.NumGoroutine())}
}
