package runtimetest

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func init() {
	cases = append(cases,
		testCase{"CreateStartInspect", testCreateStartInspect},
		testCase{"ExitsByItself", testExitsByItself},
		testCase{"StopWellBehaved", testStopWellBehaved},
		testCase{"StopIgnoringSIGTERM", testStopIgnoringSIGTERM},
		testCase{"OOMKilled", testOOMKilled},
		testCase{"RemoveRunning", testRemoveRunning},
	)
}

func testCreateStartInspect(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	spec := newSpec(t, h, "web", Behaviour{ServePort: 8080})
	spec.Ports = []containers.PortBinding{{ContainerPort: 8080, HostIP: "127.0.0.1"}}
	id := create(t, rt, spec)

	st := inspect(t, rt, id)
	if st.Status != containers.Created || !st.StartedAt.IsZero() {
		t.Errorf("after Create: status %v, startedAt %v; want created, zero", st.Status, st.StartedAt)
	}
	if st.CreatedAt.IsZero() {
		t.Error("after Create: CreatedAt is zero")
	}
	rec.waitFor(t, h, id, containers.EventCreate, nil)

	if err := rt.Start(t.Context(), id); err != nil {
		t.Fatalf("Start: %v", err)
	}
	st = inspect(t, rt, id)
	if st.Status != containers.Running || st.StartedAt.IsZero() || !st.FinishedAt.IsZero() {
		t.Errorf("after Start: status %v, startedAt %v, finishedAt %v; want running, set, zero",
			st.Status, st.StartedAt, st.FinishedAt)
	}
	if st.ID != id || st.Name != spec.Name || st.Image != spec.Image {
		t.Errorf("identity: id %q name %q image %q; want %q %q %q", st.ID, st.Name, st.Image, id, spec.Name, spec.Image)
	}
	if st.ImageID == "" {
		t.Error("ImageID is empty")
	}
	for k, v := range spec.Labels {
		if st.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, st.Labels[k], v)
		}
	}
	if len(st.Ports) != 1 {
		t.Fatalf("Ports = %+v, want one binding", st.Ports)
	}
	p := st.Ports[0]
	if p.ContainerPort != 8080 || p.HostPort == 0 || p.HostIP != "127.0.0.1" {
		t.Errorf("port binding %+v: want container port 8080 on 127.0.0.1 with a host port chosen", p)
	}
	if p.Protocol != "" && p.Protocol != "tcp" {
		t.Errorf("protocol %q, want tcp", p.Protocol)
	}
	rec.waitFor(t, h, id, containers.EventStart, nil)

	if err := rt.Start(t.Context(), id); err != nil {
		t.Errorf("Start of a running container: %v, want a no-op", err)
	}
}

func testExitsByItself(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	id := run(t, rt, newSpec(t, h, "job", Behaviour{ExitCode: 3, ExitAfter: 2 * time.Second}))

	h.Wait(time.Second)
	if st := inspect(t, rt, id); st.Status != containers.Running {
		t.Fatalf("1s into a 2s job: status %v, want running", st.Status)
	}
	h.Wait(1500 * time.Millisecond)
	var st containers.State
	eventually(t, h, "exited", func() bool {
		st = inspect(t, rt, id)
		return st.Status == containers.Exited
	})
	if st.ExitCode != 3 || st.OOMKilled {
		t.Errorf("exit code %d, OOMKilled %v; want 3, false", st.ExitCode, st.OOMKilled)
	}
	if st.FinishedAt.IsZero() || st.FinishedAt.Before(st.StartedAt) {
		t.Errorf("finishedAt %v, startedAt %v: want finishedAt set, after start", st.FinishedAt, st.StartedAt)
	}
	rec.waitFor(t, h, id, containers.EventDie, func(e containers.Event) bool { return e.ExitCode == 3 })
}

// The simulated runtime exits 0 on SIGTERM, as `ecsmini workload` does; a process that
// dies of the signal instead reports 143, which is accepted too.
func testStopWellBehaved(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	id := run(t, rt, newSpec(t, h, "svc", Behaviour{}))

	done := make(chan error, 1)
	go func() { done <- rt.Stop(t.Context(), id, 10*time.Second) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Stop: %v", err)
		}
	case <-time.After(h.within()):
		t.Fatalf("Stop of a container that exits on SIGTERM did not return within %v", h.within())
	}
	st := inspect(t, rt, id)
	if st.Status != containers.Exited || (st.ExitCode != 0 && st.ExitCode != 143) || st.OOMKilled {
		t.Errorf("after Stop: status %v code %d OOMKilled %v; want exited with 0 or 143", st.Status, st.ExitCode, st.OOMKilled)
	}
	if st.FinishedAt.IsZero() {
		t.Error("after Stop: FinishedAt is zero")
	}
	rec.waitFor(t, h, id, containers.EventDie, nil)
	if err := rt.Stop(t.Context(), id, time.Second); err != nil {
		t.Errorf("Stop of an exited container: %v, want a no-op", err)
	}
}

func testStopIgnoringSIGTERM(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	id := run(t, rt, newSpec(t, h, "stubborn", Behaviour{IgnoreSIGTERM: true}))

	done := make(chan error, 1)
	go func() { done <- rt.Stop(t.Context(), id, 2*time.Second) }()
	settle(h)
	h.Wait(1500 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Stop returned (%v) after 1.5s of a 2s timeout; the container ignores SIGTERM", err)
	default:
	}
	if st := inspect(t, rt, id); st.Status != containers.Running {
		t.Fatalf("1.5s into a 2s stop timeout: status %v, want running", st.Status)
	}
	h.Wait(time.Second)
	var stopErr error
	eventuallyAfter(t, h, time.Second, "Stop returned", func() bool {
		select {
		case stopErr = <-done:
			return true
		default:
			return false
		}
	})
	if stopErr != nil {
		t.Fatalf("Stop: %v", stopErr)
	}
	st := inspect(t, rt, id)
	if st.Status != containers.Exited || st.ExitCode != 137 {
		t.Errorf("after the timeout: status %v code %d, want exited 137", st.Status, st.ExitCode)
	}
	rec.waitFor(t, h, id, containers.EventDie, func(e containers.Event) bool { return e.ExitCode == 137 })
}

func testOOMKilled(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	spec := newSpec(t, h, "hog", Behaviour{AllocateMiB: 128})
	spec.MemoryLimit = 32 << 20
	id := run(t, rt, spec)

	h.Wait(time.Second)
	var st containers.State
	eventually(t, h, "OOM-killed", func() bool {
		st = inspect(t, rt, id)
		return st.Status == containers.Exited
	})
	if !st.OOMKilled || st.ExitCode != 137 {
		t.Errorf("OOMKilled %v, exit code %d; want true, 137", st.OOMKilled, st.ExitCode)
	}
	die := rec.waitFor(t, h, id, containers.EventDie, func(e containers.Event) bool { return e.ExitCode == 137 })
	if oom := rec.find(id, containers.EventOOM, nil); oom < 0 || oom > die {
		t.Errorf("oom event at %d, die at %d: want oom before die", oom, die)
	}
}

func testRemoveRunning(t *testing.T, h Harness) {
	rt := h.New(t)
	rec := record(t, rt)
	spec := newSpec(t, h, "doomed", Behaviour{})
	id := run(t, rt, spec)
	if err := rt.Remove(t.Context(), id); err != nil {
		t.Fatalf("Remove of a running container: %v", err)
	}
	_, err := rt.Inspect(t.Context(), id)
	wantErr(t, "Inspect after Remove", err, containers.ErrNotFound)
	rec.waitFor(t, h, id, containers.EventDestroy, nil)
	if err := rt.Remove(t.Context(), id); err != nil {
		t.Errorf("Remove of a removed container: %v, want nil", err)
	}
	// The name is free again.
	again := create(t, rt, spec)
	if again == id {
		t.Errorf("a new container reused the removed container's ID %s", id)
	}
}
