//go:build docker

package dockerrt

import (
	"context"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// TestEngineAcceptsFullSpec creates (without starting) a container using every Spec
// field and reads back what the engine stored, so a mapping the engine silently
// ignores or rejects shows up here rather than in a task.
func TestEngineAcceptsFullSpec(t *testing.T) {
	spec := containers.Spec{
		Name: uniq("full"), Image: testImage, Labels: withTestLabel(nil),
		Entrypoint: []string{"/ecsmini"}, Cmd: []string{"workload"}, Env: []string{"A=1"},
		WorkingDir: "/work", User: "1000:1000", Hostname: "task-host",
		MemoryLimit: 64 << 20, MemoryReservation: 32 << 20, CPUShares: 1, NanoCPUs: 5e8,
		NetworkMode: "bridge", Ports: []containers.PortBinding{{ContainerPort: 8080}},
		DNS: []string{"1.1.1.1"}, ExtraHosts: []string{"db:10.0.0.2"},
		Health:     &containers.HealthCheck{Test: []string{"CMD", "/ecsmini", "version"}, Interval: time.Second, Retries: 2},
		StopSignal: "SIGINT", Init: true, ReadonlyRootfs: true,
		CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"MKNOD"},
		Tmpfs: map[string]string{"/run": "size=1m"}, ShmSize: 8 << 20,
		Ulimits: []containers.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}},
	}
	id, err := testEngine.Create(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testEngine.Remove(context.WithoutCancel(t.Context()), id) })
	in, err := testEngine.cli.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	h, c := in.HostConfig, in.Config
	eq(t, "memory", [3]int64{h.Memory, h.MemorySwap, h.MemoryReservation}, [3]int64{64 << 20, 64 << 20, 32 << 20})
	eq(t, "cpu", [2]int64{h.CPUShares, h.NanoCPUs}, [2]int64{2, 5e8})
	eq(t, "process", [5]string{c.WorkingDir, c.User, c.Hostname, c.StopSignal, c.Entrypoint[0]},
		[5]string{"/work", "1000:1000", "task-host", "SIGINT", "/ecsmini"})
	eq(t, "flags", [2]bool{*h.Init, h.ReadonlyRootfs}, [2]bool{true, true})
	eq(t, "dns", h.DNS, []string{"1.1.1.1"})
	eq(t, "extra hosts", h.ExtraHosts, []string{"db:10.0.0.2"})
	eq(t, "tmpfs", h.Tmpfs, map[string]string{"/run": "size=1m"})
	eq(t, "shm", h.ShmSize, int64(8<<20))
	eq(t, "ulimits", h.Ulimits, []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}})
	eq(t, "health interval", c.Healthcheck.Interval, time.Second)
	if len(h.PortBindings["8080/tcp"]) != 1 || h.PortBindings["8080/tcp"][0].HostIP != loopback {
		t.Errorf("port bindings %v, want 8080/tcp on %s", h.PortBindings, loopback)
	}
	st, err := testEngine.Inspect(t.Context(), id)
	if err != nil || st.Status != containers.Created || len(st.Ports) != 1 || st.Ports[0].HostPort != 0 {
		t.Errorf("Inspect = %+v, %v; want created with the requested port", st, err)
	}
}
