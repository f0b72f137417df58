package emulator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkServicesSteadyOnSim is the figure: 200 services of 5 tasks on the
// simulated runtime, driven by the real agent and the control loop, from CreateService
// to every service steady (all 1,000 tasks RUNNING, deployments COMPLETED).
func BenchmarkServicesSteadyOnSim(b *testing.B) {
	for b.Loop() {
		servicesSteadyOnSim(b, 200, 5)
	}
}

func TestServicesSteadyOnSim(t *testing.T) { servicesSteadyOnSim(t, 20, 5) }

func servicesSteadyOnSim(tb testing.TB, n, per int) {
	tb.Helper()
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	emu, err := emulator.New(emulator.Config{Clock: fake})
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
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), Memory: ecs.Ptr(64)}}}
	if _, err := emu.RegisterTaskDefinition(ctx, td); err != nil {
		tb.Fatal(err)
	}
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("svc-%04d", i)
		if _, err := emu.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: names[i], TaskDefinition: "web", DesiredCount: ecs.Ptr(per)}); err != nil {
			tb.Fatal(err)
		}
	}
	waitServices(tb, emu, names, func(s *ecs.Service) bool { return s.RunningCount == per })
	fake.Advance(41 * time.Second) // no health checks: healthy 40 s after RUNNING
	waitServices(tb, emu, names, func(s *ecs.Service) bool {
		return len(s.Deployments) == 1 && s.Deployments[0].RolloutState == ecs.RolloutCompleted && s.RunningCount == per
	})
}

func waitServices(tb testing.TB, emu *emulator.Emulator, names []string, cond func(*ecs.Service) bool) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < len(names); {
		end := min(i+10, len(names))
		out, err := emu.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Services: names[i:end]})
		if err != nil {
			tb.Fatal(err)
		}
		ok := len(out.Services) == end-i
		for _, s := range out.Services {
			ok = ok && cond(s)
		}
		if ok {
			i = end
			continue
		}
		if time.Now().After(deadline) {
			tb.Fatalf("services %v not there within a minute: %+v", names[i:end], out.Services[0])
		}
		time.Sleep(time.Millisecond)
	}
}
