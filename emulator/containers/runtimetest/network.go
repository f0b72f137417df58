package runtimetest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func init() {
	cases = append(cases,
		testCase{"Network", testNetwork},
		testCase{"DynamicHostPorts", testDynamicHostPorts},
		testCase{"FixedHostPortInUse", testFixedHostPortInUse},
		testCase{"JoinNetworkNamespace", testJoinNetworkNamespace},
	)
}

func testNetwork(t *testing.T, h Harness) {
	rt := h.New(t)
	name := uniqueName(t, "net")
	spec := containers.NetworkSpec{Name: name, Labels: h.SuiteLabels()}
	nw, err := rt.EnsureNetwork(t.Context(), spec)
	if err != nil {
		t.Fatalf("EnsureNetwork: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := rt.RemoveNetwork(ctx, name); err != nil {
			t.Errorf("cleanup: RemoveNetwork: %v", err)
		}
	})
	if nw.ID == "" || nw.Name != name {
		t.Errorf("network %+v, want an ID and name %q", nw, name)
	}
	_, subnet, err := net.ParseCIDR(nw.Subnet)
	if err != nil {
		t.Fatalf("network subnet %q: %v", nw.Subnet, err)
	}
	again, err := rt.EnsureNetwork(t.Context(), spec)
	if err != nil || again.ID != nw.ID || again.Subnet != nw.Subnet {
		t.Errorf("second EnsureNetwork = %+v, %v; want %+v", again, err, nw)
	}

	// Containers are removed before the network: cleanups run last-registered first.
	seen := map[string]bool{}
	for _, suffix := range []string{"a", "b"} {
		c := newSpec(t, h, "on-net-"+suffix, Behaviour{})
		c.NetworkMode = name
		id := run(t, rt, c)
		ip := net.ParseIP(inspect(t, rt, id).IPAddresses[name])
		if ip == nil || !subnet.Contains(ip) {
			t.Errorf("container %s: address %v on %s, want one in %s", suffix, ip, name, nw.Subnet)
		}
		if seen[ip.String()] {
			t.Errorf("address %v given twice", ip)
		}
		seen[ip.String()] = true
	}
}

func testDynamicHostPorts(t *testing.T, h Harness) {
	rt := h.New(t)
	ports := map[int]bool{}
	for _, suffix := range []string{"a", "b"} {
		spec := newSpec(t, h, "port-"+suffix, Behaviour{ServePort: 8080})
		spec.Ports = []containers.PortBinding{{ContainerPort: 8080, Protocol: "tcp", HostIP: "127.0.0.1"}}
		id := run(t, rt, spec)
		st := inspect(t, rt, id)
		if len(st.Ports) != 1 || st.Ports[0].HostPort == 0 {
			t.Fatalf("container %s: ports %+v, want one with a host port", suffix, st.Ports)
		}
		if ports[st.Ports[0].HostPort] {
			t.Errorf("host port %d given to both containers", st.Ports[0].HostPort)
		}
		ports[st.Ports[0].HostPort] = true
	}
}

// The fixed port is one the runtime just gave another container, so the case needs no
// guess about which host ports are free.
func testFixedHostPortInUse(t *testing.T, h Harness) {
	rt := h.New(t)
	first := newSpec(t, h, "holder", Behaviour{ServePort: 8080})
	first.Ports = []containers.PortBinding{{ContainerPort: 8080, HostIP: "127.0.0.1"}}
	st := inspect(t, rt, run(t, rt, first))
	if len(st.Ports) != 1 || st.Ports[0].HostPort == 0 {
		t.Fatalf("ports %+v, want one with a host port", st.Ports)
	}
	second := newSpec(t, h, "taker", Behaviour{ServePort: 8080})
	second.Ports = []containers.PortBinding{{ContainerPort: 8080, HostIP: "127.0.0.1", HostPort: st.Ports[0].HostPort}}
	id := create(t, rt, second)
	wantErr(t, "Start with a host port in use", rt.Start(t.Context(), id), containers.ErrConflict)
	if got := inspect(t, rt, id); got.Status == containers.Running {
		t.Errorf("container with a conflicting port is running")
	}
}

// A container in network mode container:<id> (awsvpc: a task container joining its
// pause container) is checked when it starts, not when it is created, as Docker does:
// Create succeeds whatever the other container's state; Start fails with ErrConflict
// while that container is not running and with ErrNotFound once it is removed.
func testJoinNetworkNamespace(t *testing.T, h Harness) {
	rt := h.New(t)
	ctx := t.Context()
	pause := create(t, rt, newSpec(t, h, "pause", Behaviour{}))
	joinSpec := func(suffix string) containers.Spec {
		s := newSpec(t, h, suffix, Behaviour{})
		s.NetworkMode = "container:" + pause
		return s
	}
	early := create(t, rt, joinSpec("early"))
	wantErr(t, "Start joining a created (not running) container", rt.Start(ctx, early), containers.ErrConflict)
	if err := rt.Start(ctx, pause); err != nil {
		t.Fatalf("Start(pause): %v", err)
	}
	if err := rt.Start(ctx, early); err != nil {
		t.Errorf("Start joining a running container: %v", err)
	}
	late := create(t, rt, joinSpec("late"))
	if err := rt.Remove(ctx, pause); err != nil {
		t.Fatalf("Remove(pause): %v", err)
	}
	wantErr(t, "Start joining a removed container", rt.Start(ctx, late), containers.ErrNotFound)
	orphan, err := rt.Create(ctx, joinSpec("orphan"))
	if err != nil {
		t.Fatalf("Create joining a removed container: %v, want the error at Start", err)
	}
	t.Cleanup(func() { removeQuietly(t, rt, orphan) })
	wantErr(t, "Start of a container created to join a removed one", rt.Start(ctx, orphan), containers.ErrNotFound)
}
