package cli

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/logs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

const logsTaskID = "0123456789abcdef0123456789abcdef"

// logsServer serves health and the logs of a task whose containers run on a simulated
// runtime, labelled by the agent as real tasks are; startLogs wires the collector.
type logsServer struct {
	url string
	rt  *sim.Runtime
	clk *clock.Fake
	c   *logs.Collector
	dir string // the state directory, which the containers are labelled with
}

func newLogsServer(t *testing.T) *logsServer {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	rt := sim.New(clk, sim.Options{})
	mux := http.NewServeMux()
	mux.Handle("/_ecsmini/health", healthHandler(ecsminiapi.Health{Status: "ok", Region: "us-east-1", Runtime: "sim"}))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dir := t.TempDir()
	c, err := startLogs(ctx, rt, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(ecsminiapi.LogsPath, logs.Handler(c))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// startLogs returns once the collector is subscribed: it sees this container start.
	s := &logsServer{url: srv.URL, rt: rt, clk: clk, c: c, dir: dir}
	s.run(t, "probe", "p", "")
	s.waitUntil(t, "the probe's line", func() bool {
		st, err := c.Read(context.Background(), logsTaskID, "probe", logs.ReadOptions{})
		if err != nil {
			return false
		}
		defer st.Close()
		l, err := st.Next()
		return err == nil && l.Text == "p"
	})
	return s
}

// run starts a container of the task, labelled by the agent, printing output.
func (s *logsServer) run(t *testing.T, name, output, exitAfter string) {
	t.Helper()
	info := agent.TaskInfo{ARN: "arn:aws:ecs:us-east-1:000000000000:task/default/" + logsTaskID, ID: logsTaskID,
		ClusterName: "default", Family: "web", Revision: 1, StateDir: s.dir}
	labels := map[string]string{sim.LabelOutput: output}
	if exitAfter != "" {
		labels[sim.LabelExitAfter] = exitAfter
	}
	ctx := context.Background()
	id, err := s.rt.Create(ctx, containers.Spec{Name: agent.DockerName(info, name), Image: "busybox",
		Labels: agent.ContainerLabels(info, name, labels)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.rt.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.rt.Remove(context.Background(), id) }) // ends the copier
}

// waitUntil waits until cond holds, looking again at each change of the collector or
// of out (nil: none); 10 s of real time bound a broken test.
func (s *logsServer) waitUntil(t *testing.T, what string, cond func() bool, out ...*syncBuffer) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		changed := s.c.Changed()
		var written chan struct{}
		for _, o := range out {
			written = o.changes()
		}
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-written:
		case <-limit.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestLogsCommand(t *testing.T) {
	s := newLogsServer(t)
	s.run(t, "web", "hello\nworld", "")

	// Wait until web's lines are kept, through the command itself.
	var out string
	s.waitUntil(t, "web's lines", func() bool {
		out, _, _ = runMain(t, "logs", logsTaskID, "--container", "web", "--endpoint", s.url)
		return out == "hello\nworld\n"
	})
	arn := "arn:aws:ecs:us-east-1:000000000000:task/default/" + logsTaskID
	if out, errOut, code := runMain(t, "logs", arn, "--endpoint", s.url); code != 0 || out != "probe | p\nweb   | hello\nweb   | world\n" {
		t.Errorf("logs ARN = %d %q %q", code, out, errOut)
	}
	if out, _, code := runMain(t, "logs", logsTaskID, "--tail", "1", "--container", "web", "--endpoint", s.url); code != 0 || out != "world\n" {
		t.Errorf("--tail 1 = %d %q", code, out)
	}
	if _, errOut, code := runMain(t, "logs", "ffffffffffffffffffffffffffffffff", "--endpoint", s.url); code != 1 ||
		!strings.Contains(errOut, `ecsmini: no logs for task "ffffffffffffffffffffffffffffffff"`) {
		t.Errorf("unknown task = %d %q", code, errOut)
	}
	if _, errOut, code := runMain(t, "logs", logsTaskID, "--container", "db", "--endpoint", s.url); code != 1 ||
		!strings.Contains(errOut, `no logs for container "db"`) {
		t.Errorf("unknown container = %d %q", code, errOut)
	}
}

func TestLogsFollow(t *testing.T) {
	s := newLogsServer(t)
	s.run(t, "job", "working", "10s")
	s.waitUntil(t, "job's line", func() bool {
		out, _, _ := runMain(t, "logs", logsTaskID, "--container", "job", "--endpoint", s.url)
		return out == "working\n"
	})
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"logs", logsTaskID, "-f", "--container", "job", "--endpoint", s.url}, out, out)
	}()
	s.waitUntil(t, "the followed line", func() bool { return out.String() == "working\n" }, out)
	select {
	case code := <-done:
		t.Fatalf("follow ended while the container runs: %d %q", code, out)
	case <-time.After(20 * time.Millisecond):
	}
	s.clk.Advance(10 * time.Second) // the container exits: following ends
	select {
	case code := <-done:
		if code != 0 || out.String() != "working\n" {
			t.Errorf("follow = %d %q", code, out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("logs -f did not end when the container exited")
	}
}

func TestLogsWithNothingRunning(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, errOut, code := runMain(t, "logs", logsTaskID, "--endpoint", addr)
	if code != 1 || !strings.Contains(errOut, "no ecsmini answers at http://"+addr) {
		t.Errorf("= %d %q", code, errOut)
	}
}

func TestLogsFromAnEcsminiWithoutLogs(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/_ecsmini/health", healthHandler(ecsminiapi.Health{Status: "ok"}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, errOut, code := runMain(t, "logs", logsTaskID, "--endpoint", srv.URL)
	if code != 1 || !strings.Contains(errOut, "does not serve logs (HTTP 404)") {
		t.Errorf("= %d %q", code, errOut)
	}
}
