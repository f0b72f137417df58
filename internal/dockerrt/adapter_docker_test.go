//go:build docker

package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/runtimetest"
)

// These cases cover what the conformance suite leaves to the Docker adapter: the
// mapping reaching the engine, networking modes, volumes, streams ending, builds.

func uniq(prefix string) string {
	return fmt.Sprintf("ecsmini-dockerrt-%s-%08x", prefix, rand.Uint32())
}

// runWorkload creates and starts a workload container (removed at the end) and
// returns its ID once the workload runs.
func runWorkload(t *testing.T, spec containers.Spec) string {
	t.Helper()
	id, err := testEngine.Create(t.Context(), spec)
	if err != nil {
		t.Fatalf("Create(%s): %v", spec.Name, err)
	}
	t.Cleanup(func() {
		if err := testEngine.Remove(context.WithoutCancel(t.Context()), id); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	if err := (readyEngine{testEngine}).Start(t.Context(), id); err != nil {
		t.Fatalf("Start(%s): %v", spec.Name, err)
	}
	return id
}

// waitExit waits for the container to exit and returns its state.
func waitExit(t *testing.T, id string) containers.State {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := testEngine.Inspect(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status == containers.Exited {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %v after 10s", id, st.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// probeSpec is a container that exits 0 iff GET url answers 2xx.
func probeSpec(name, url string) containers.Spec {
	return containers.Spec{Name: name, Image: testImage, Labels: withTestLabel(nil),
		Cmd: []string{"workload", "probe", "--timeout", "5s", url}}
}

func TestPublishedPortServesOnLoopback(t *testing.T) {
	spec := workloadSpec(uniq("web"), runtimetest.Behaviour{ServePort: 8080})
	spec.Ports = []containers.PortBinding{{ContainerPort: 8080}} // HostIP defaults to loopback
	id := runWorkload(t, spec)
	st, err := testEngine.Inspect(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Ports) != 1 || st.Ports[0].HostIP != loopback || st.Ports[0].HostPort == 0 {
		t.Fatalf("ports %+v, want one on %s with a chosen host port", st.Ports, loopback)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/health", st.Ports[0].HostPort)
	var resp *http.Response
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Get(url); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
}

// As awsvpc tasks do: containers joined to a pause container's namespace reach each
// other on localhost.
func TestContainerNetworkModeSharesLocalhost(t *testing.T) {
	pause := runWorkload(t, workloadSpec(uniq("pause"), runtimetest.Behaviour{ServePort: 9000}))
	probe := probeSpec(uniq("sidecar"), "http://127.0.0.1:9000/health")
	probe.NetworkMode = "container:" + pause
	id := runWorkload(t, probe)
	if st := waitExit(t, id); st.ExitCode != 0 {
		t.Fatalf("probe over the shared localhost exited %d, want 0", st.ExitCode)
	}
}

func TestNamedNetworkAliases(t *testing.T) {
	name := uniq("net")
	nw, err := testEngine.EnsureNetwork(t.Context(), containers.NetworkSpec{Name: name, Labels: withTestLabel(nil)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := testEngine.RemoveNetwork(context.WithoutCancel(t.Context()), name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	if nw.Gateway == "" {
		t.Errorf("network %+v has no gateway", nw)
	}
	web := workloadSpec(uniq("web"), runtimetest.Behaviour{ServePort: 8080})
	web.NetworkMode, web.Aliases = name, []string{"web-alias"}
	runWorkload(t, web)
	probe := probeSpec(uniq("client"), "http://web-alias:8080/health")
	probe.NetworkMode = name
	if st := waitExit(t, runWorkload(t, probe)); st.ExitCode != 0 {
		t.Fatalf("probe of the alias exited %d, want 0", st.ExitCode)
	}
}

func TestEnsureNetworkConcurrent(t *testing.T) {
	name := uniq("race")
	t.Cleanup(func() { testEngine.RemoveNetwork(context.WithoutCancel(t.Context()), name) })
	ids := make(chan string, 4)
	for range 4 {
		go func() {
			nw, err := testEngine.EnsureNetwork(t.Context(), containers.NetworkSpec{Name: name, Labels: withTestLabel(nil), Internal: true})
			if err != nil {
				t.Error(err)
			}
			ids <- nw.ID
		}()
	}
	first := <-ids
	for range 3 {
		if id := <-ids; id != first {
			t.Errorf("concurrent EnsureNetwork gave %s and %s", first, id)
		}
	}
	if err := testEngine.RemoveNetwork(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	if err := testEngine.RemoveNetwork(t.Context(), name); err != nil {
		t.Errorf("RemoveNetwork of an absent network: %v", err)
	}
}

// A named volume gets the mount's labels and outlives the container; an anonymous one
// goes with it.
func TestVolumes(t *testing.T) {
	vol := uniq("vol")
	spec := workloadSpec(uniq("disk"), runtimetest.Behaviour{})
	labels := withTestLabel(map[string]string{"ecsmini.test/volume": vol})
	spec.Mounts = []containers.Mount{
		{Type: "volume", Source: vol, Target: "/data", VolumeLabels: labels},
		{Type: "volume", Target: "/scratch", VolumeLabels: withTestLabel(map[string]string{"ecsmini.test/anon": vol})},
		{Type: "tmpfs", Target: "/tmp"},
	}
	t.Cleanup(func() { testEngine.RemoveVolume(context.WithoutCancel(t.Context()), vol) })
	id := runWorkload(t, spec)
	named := func() []string {
		names, err := testEngine.VolumesWithLabels(t.Context(), labels)
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	anon := func() []string {
		names, err := testEngine.VolumesWithLabels(t.Context(), map[string]string{"ecsmini.test/anon": vol})
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	if got := named(); len(got) != 1 || got[0] != vol {
		t.Fatalf("volumes labelled for %s: %v", vol, got)
	}
	if len(anon()) != 1 {
		t.Fatalf("anonymous volume with labels: %v, want one", anon())
	}
	if err := testEngine.Remove(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if len(named()) != 1 || len(anon()) != 0 {
		t.Fatalf("after Remove: named %v, anonymous %v; want the named one only", named(), anon())
	}
	if err := testEngine.RemoveVolume(t.Context(), vol); err != nil || len(named()) != 0 {
		t.Fatalf("RemoveVolume: %v, left %v", err, named())
	}
}

func TestEventsEndWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	events, errs := testEngine.Events(ctx)
	cancel()
	timeout := time.After(5 * time.Second)
	for events != nil || errs != nil {
		select {
		case _, ok := <-events:
			if !ok {
				events = nil
			}
		case err, ok := <-errs:
			if ok {
				t.Errorf("cancelling gave error %v, want none", err)
			} else {
				errs = nil
			}
		case <-timeout:
			t.Fatal("channels not closed 5s after cancelling")
		}
	}
}

func TestLogsFollowEndsAtExit(t *testing.T) {
	id := runWorkload(t, workloadSpec(uniq("brief"), runtimetest.Behaviour{ExitAfter: time.Second, Output: []string{"bye"}}))
	r, err := testEngine.Logs(t.Context(), id, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	done := make(chan string, 1)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	select {
	case out := <-done:
		if !strings.Contains(out, "bye\n") {
			t.Errorf("logs %q, want the line bye", out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("following logs did not end when the container exited")
	}
}

func TestBuildImageFailure(t *testing.T) {
	tag := uniq("broken") + ":1"
	err := testEngine.BuildImage(t.Context(), tag, map[string][]byte{
		"Dockerfile": []byte("FROM scratch\nCOPY missing /missing\n"),
	}, withTestLabel(nil))
	if err == nil {
		testEngine.RemoveImage(context.WithoutCancel(t.Context()), tag)
		t.Fatal("building a Dockerfile that copies a missing file succeeded")
	}
	if !strings.Contains(err.Error(), "missing") {
		t.Errorf("error %q does not name the missing file", err)
	}
	if err := testEngine.RemoveImage(t.Context(), tag); err != nil {
		t.Errorf("RemoveImage of an absent image: %v", err)
	}
	_, err = testEngine.EnsureImage(t.Context(), "ecsmini-missing/never:latest")
	if !errors.Is(err, containers.ErrImageNotFound) || !strings.Contains(err.Error(), "pull ecsmini-missing/never:latest: ") {
		t.Errorf("EnsureImage offline: %v, want ErrImageNotFound with the engine's message", err)
	}
}
