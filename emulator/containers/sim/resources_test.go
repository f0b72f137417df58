package sim_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// Addresses are given in order and freed at exit; a shared namespace has its owner's.
func TestAddresses(t *testing.T) {
	rt, _ := newSim(t)
	ctx := t.Context()
	nw, err := rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: "cluster-a"})
	if err != nil || nw.Subnet != "172.18.0.0/16" || nw.Gateway != "172.18.0.1" {
		t.Fatalf("EnsureNetwork = %+v, %v; want the first user subnet 172.18.0.0/16", nw, err)
	}
	ip := func(id string) string { st, _ := rt.Inspect(ctx, id); return st.IPAddresses["cluster-a"] }
	a := mustRun(t, rt, containers.Spec{Name: "a", Image: testImage, NetworkMode: "cluster-a"})
	b := mustRun(t, rt, containers.Spec{Name: "b", Image: testImage, NetworkMode: "cluster-a"})
	if ip(a) != "172.18.0.2" || ip(b) != "172.18.0.3" {
		t.Errorf("addresses %s, %s; want 172.18.0.2 and .3", ip(a), ip(b))
	}
	shared := mustRun(t, rt, containers.Spec{Name: "sidecar", Image: testImage, NetworkMode: "container:" + a})
	if ip(shared) != ip(a) {
		t.Errorf("shared namespace address %q, want its owner's %q", ip(shared), ip(a))
	}
	if err := rt.RemoveNetwork(ctx, "cluster-a"); !errors.Is(err, containers.ErrConflict) {
		t.Errorf("RemoveNetwork with running containers: %v, want ErrConflict", err)
	}
	for _, id := range []string{shared, a, b} {
		if err := rt.Remove(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.RemoveNetwork(ctx, "cluster-a"); err != nil {
		t.Errorf("RemoveNetwork of an idle network: %v", err)
	}
	if err := rt.RemoveNetwork(ctx, "bridge"); !errors.Is(err, containers.ErrConflict) {
		t.Errorf("RemoveNetwork(bridge): %v, want ErrConflict", err)
	}
	_, err = rt.Create(ctx, containers.Spec{Name: "lost", Image: testImage, NetworkMode: "cluster-a"})
	if !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("Create on a removed network: %v, want ErrNotFound", err)
	}
}

// Dynamic host ports come from the ephemeral range in order, are not reused at once,
// and are held only while running.
func TestHostPorts(t *testing.T) {
	rt, _ := newSim(t)
	ctx := t.Context()
	spec := func(name string, host int) containers.Spec {
		return containers.Spec{Name: name, Image: testImage, Ports: []containers.PortBinding{{ContainerPort: 80, HostPort: host}}}
	}
	port := func(id string) int { st, _ := rt.Inspect(ctx, id); return st.Ports[0].HostPort }
	a := mustRun(t, rt, spec("a", 0))
	b := mustRun(t, rt, spec("b", 0))
	if port(a) != 49153 || port(b) != 49154 {
		t.Errorf("ports %d, %d; want 49153, 49154", port(a), port(b))
	}
	fixed, _ := rt.Create(ctx, spec("fixed", 49153))
	if err := rt.Start(ctx, fixed); !errors.Is(err, containers.ErrConflict) {
		t.Errorf("Start on a held port: %v, want ErrConflict", err)
	}
	if err := rt.Stop(ctx, a, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := rt.Start(ctx, fixed); err != nil {
		t.Errorf("Start on a port freed by an exit: %v", err)
	}
	c := mustRun(t, rt, spec("c", 0))
	if port(c) != 49155 {
		t.Errorf("next dynamic port %d, want 49155 (no immediate reuse)", port(c))
	}
}

// A subscriber that never reads is cut off with an error rather than blocking the state
// machine; later subscribers are unaffected.
func TestSlowSubscriber(t *testing.T) {
	rt := sim.New(clock.NewFake(epoch), sim.Options{EventBuffer: 10})
	slow, slowErr := rt.Events(t.Context())
	for i := range 100 { // 200 events: past the queue and the channel buffer
		mustRun(t, rt, containers.Spec{Name: fmt.Sprint("c", i), Image: testImage})
	}
	timeout := time.After(5 * time.Second)
	var err error
	for err == nil {
		select {
		case <-slow: // what was delivered before the cut
		case err = <-slowErr:
			if err == nil {
				t.Fatal("slow subscriber's stream ended without an error")
			}
		case <-timeout:
			t.Fatal("slow subscriber got no error")
		}
	}
	later, _ := rt.Events(t.Context())
	mustRun(t, rt, containers.Spec{Name: "after", Image: testImage})
	select {
	case e := <-later:
		if e.Kind != containers.EventCreate {
			t.Errorf("later subscriber's first event %v, want create", e.Kind)
		}
	case <-timeout:
		t.Fatal("later subscriber got nothing")
	}
}

func TestStatsDeterministic(t *testing.T) {
	rt, fake := newSim(t)
	id := mustRun(t, rt, containers.Spec{Name: "c", Image: testImage, MemoryLimit: 512 << 20,
		Labels: map[string]string{sim.LabelAllocateMiB: "100"}})
	fake.Advance(10 * time.Second)
	s, err := rt.Stats(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := containers.Stats{
		Read: epoch.Add(10 * time.Second), CPUTotalNanos: 200_000_000, SystemCPUNanos: 20_000_000_000,
		OnlineCPUs: 2, MemoryUsage: 104 << 20, MemoryLimit: 512 << 20,
		NetworkRxBytes: 10_000, NetworkTxBytes: 5_000, PIDs: 1,
	}
	if s != want {
		t.Errorf("Stats = %+v\nwant    %+v", s, want)
	}
}

// A declared CPU load shows in the CPU counter: the steady percentage all along, one
// whole CPU more during burn-cpu (from the label or the workload flag).
func TestStatsDeclaredCPULoad(t *testing.T) {
	tests := []struct {
		name string
		spec containers.Spec
		want time.Duration // CPU time after two minutes
	}{
		{"default two percent", containers.Spec{}, 2400 * time.Millisecond},
		{"cpu-percent", containers.Spec{Labels: map[string]string{sim.LabelCPUPercent: "50"}}, time.Minute},
		{"burn-cpu label", containers.Spec{Labels: map[string]string{sim.LabelCPUPercent: "0", sim.LabelBurnCPU: "30s"}}, 30 * time.Second},
		{"burn-cpu flag", containers.Spec{Cmd: []string{"workload", "--burn-cpu", "90s"}}, 90*time.Second + 2400*time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, fake := newSim(t)
			spec := tt.spec
			spec.Name, spec.Image = "c", testImage
			id := mustRun(t, rt, spec)
			fake.Advance(2 * time.Minute)
			s, err := rt.Stats(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got := time.Duration(s.CPUTotalNanos); got != tt.want {
				t.Fatalf("CPU time %v, want %v", got, tt.want)
			}
		})
	}
}
