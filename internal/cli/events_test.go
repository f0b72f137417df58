package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// eventLines decodes the JSON lines of ecsmini events' output.
func eventLines(t *testing.T, out string) []events.Event {
	t.Helper()
	var evs []events.Event
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var ev events.Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not an event line: %q", l)
		}
		evs = append(evs, ev)
	}
	return evs
}

func lastStatus(t *testing.T, ev events.Event) string {
	t.Helper()
	var d struct{ LastStatus, DesiredStatus, StopCode string }
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		t.Fatal(err)
	}
	return d.LastStatus
}

// TestEventsCommand runs ecsmini events against an ecsmini on the simulated runtime:
// the recent events, filtered, and a follower that sees a task stop.
func TestEventsCommand(t *testing.T) {
	addr, _, dc := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	if status, m := call(t, addr, "RegisterTaskDefinition", `{"family":"job","containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","memory":64}]}`); status != 200 {
		t.Fatalf("RegisterTaskDefinition: %v", m)
	}
	status, m := call(t, addr, "RunTask", `{"taskDefinition":"job"}`)
	if status != 200 {
		t.Fatalf("RunTask: %v", m)
	}
	arn := m["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
	taskState(t, dc, addr, "default", arn, "RUNNING")

	evs := eventLines(t, cli(t, addr, false, "events"))
	if len(evs) < 2 || evs[0].DetailType != events.TaskStateChange || lastStatus(t, evs[0]) != "PROVISIONING" || evs[0].Resources[0] != arn {
		t.Fatalf("events: %+v", evs)
	}
	if evs := eventLines(t, cli(t, addr, false, "events", "--filter", "detail.lastStatus=PROVISIONING")); len(evs) != 1 {
		t.Fatalf("filtered: %d events", len(evs))
	}
	if evs := eventLines(t, cli(t, addr, false, "events", "--tail", "1")); len(evs) != 1 {
		t.Fatalf("--tail 1: %d events", len(evs))
	}

	// A follower of stopped tasks. It starts from the recent events, so whether it
	// subscribes before or after the task stops, it sees it once.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runEvents(ctx, eventsOptions{endpoint: addr, follow: true, tail: -1,
			filters: []string{`detail-type="ECS Task State Change"`, "detail.lastStatus=STOPPED"}}, out, out)
	}()
	if status, m := call(t, addr, "StopTask", `{"task":"`+arn+`"}`); status != 200 {
		t.Fatalf("StopTask: %v", m)
	}
	taskState(t, dc, addr, "default", arn, "STOPPED")
	out.await(t, 0, 10*time.Second, "STOPPED task from the follower", func(s string) bool { return strings.Contains(s, `"lastStatus":"STOPPED"`) })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	for _, ev := range eventLines(t, out.String()) {
		if lastStatus(t, ev) != "STOPPED" || ev.Resources[0] != arn {
			t.Errorf("the follower printed %+v", ev)
		}
	}
}

func TestEventsCommandErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if out := cli(t, addr, true, "events"); !strings.Contains(out, "no ecsmini answers at http://"+addr) {
		t.Errorf("nothing answering: %q", out)
	}
	if out := cli(t, addr, true, "events", "--filter", "lastStatus=STOPPED"); !strings.Contains(out, `unknown key "lastStatus"`) {
		t.Errorf("bad filter: %q", out)
	}
	// An ecsmini that answers health but has no event stream (an older one).
	mux := http.NewServeMux()
	mux.Handle("/_ecsmini/health", healthHandler(ecsminiapi.Health{Status: "ok"}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if out := cli(t, strings.TrimPrefix(srv.URL, "http://"), true, "events"); !strings.Contains(out, "does not serve events (HTTP 404)") {
		t.Errorf("no event stream: %q", out)
	}
}

// Drop notices in the stream become a sentence on stderr, not an event line.
func TestCopyEventsReportsDrops(t *testing.T) {
	ev, _ := events.New(events.TaskStateChange, events.SourceECS, "0", "us-east-1", time.Now(), nil, map[string]int{"version": 1})
	line, _ := json.Marshal(ev)
	notice := `{"version":"0","id":"x","detail-type":"ecsmini Events Dropped","source":"ecsmini","account":"0","time":"t","region":"us-east-1","resources":[],"detail":{"dropped":7}}`
	var stdout, stderr bytes.Buffer
	if err := copyEvents(context.Background(), strings.NewReader(string(line)+"\n"+notice+"\n"+string(line)+"\n"), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(stdout.String(), "\n"); n != 2 || strings.Contains(stdout.String(), "Dropped") {
		t.Errorf("stdout %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "7 events dropped") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// hookReceiver records what an --event-webhook URL receives.
type hookReceiver struct {
	mu  sync.Mutex
	got []events.Event
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var ev events.Event
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &ev) != nil {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, ev)
	h.mu.Unlock()
}

func (h *hookReceiver) statuses(t *testing.T) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, ev := range h.got {
		if ev.DetailType == events.TaskStateChange {
			out = append(out, lastStatus(t, ev))
		}
	}
	return out
}

// up --event-webhook POSTs every event, including the Spot interruption warning (a
// Task State Change with desiredStatus STOPPED while the task still runs), and the
// tasks' last events as ecsmini stops.
func TestUpEventWebhook(t *testing.T) {
	rcv := &hookReceiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	dc := newDrivenClock()
	addr, _, stop := startUp(t, upOptions{runtime: "sim", stateDir: t.TempDir(), eventWebhooks: []string{srv.URL + "/hook"}, drive: dc.driver()})
	for op, body := range map[string]string{
		"CreateCluster": `{"clusterName":"spotty","capacityProviders":["FARGATE","FARGATE_SPOT"]}`,
		"RegisterTaskDefinition": `{"family":"job","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"]}]}`,
	} {
		if status, m := call(t, addr, op, body); status != 200 {
			t.Fatalf("%s: %d %v", op, status, m)
		}
	}
	spotTask := runSpotTask(t, addr)
	other := runSpotTask(t, addr)
	taskState(t, dc, addr, "spotty", spotTask, "RUNNING")
	taskState(t, dc, addr, "spotty", other, "RUNNING")
	cli(t, addr, false, "spot", "interrupt", spotTask, "--cluster", "spotty")
	taskState(t, dc, addr, "spotty", spotTask, "STOPPED")
	warning := eventLines(t, cli(t, addr, false, "events", "--filter", "detail.stopCode=SpotInterruption", "--filter", "detail.lastStatus=RUNNING"))
	if len(warning) != 1 || warning[0].Resources[0] != spotTask {
		t.Fatalf("the Spot warning: %+v", warning)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// stop returned: the webhook delivered what it had, including the other task's
	// STOPPED as ecsmini stopped it.
	rcv.mu.Lock()
	n := len(rcv.got)
	var stoppedOther bool
	for _, ev := range rcv.got {
		stoppedOther = stoppedOther || (ev.Resources[0] == other && lastStatus(t, ev) == "STOPPED")
	}
	rcv.mu.Unlock()
	st := rcv.statuses(t)
	if n < 6 || st[0] != "PROVISIONING" || !stoppedOther {
		t.Fatalf("webhook got %d events, task statuses %v, other task STOPPED %v", n, st, stoppedOther)
	}
}

func TestUpRefusesABadEventWebhook(t *testing.T) {
	err := runUp(context.Background(), upOptions{runtime: "sim", stateDir: t.TempDir(), listen: "127.0.0.1:0",
		eventWebhooks: []string{"localhost:9000/hook"}}, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "--event-webhook") {
		t.Fatalf("err = %v", err)
	}
}
