package events

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a handler under test: it records the events POSTed to it and fails
// the first failures requests.
type receiver struct {
	mu       sync.Mutex
	failures int
	calls    int
	got      []Event
	block    chan struct{} // if set, each request waits for it
	changed  chan struct{} // closed (and replaced) after each request: await wakes on it
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.block != nil {
		<-r.block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.notifyLocked()
	r.calls++
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if r.failures > 0 {
		r.failures--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var ev Event
	b, _ := io.ReadAll(req.Body)
	if err := json.Unmarshal(b, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.got = append(r.got, ev)
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *receiver) notifyLocked() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// await waits, without polling, until cond holds after a request the receiver answered
// (cond may lock r.mu itself); 10 s of real time bound a test that is broken.
func (r *receiver) await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		r.mu.Lock()
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-limit.C:
			t.Fatalf("never %s", what)
		}
	}
}

func TestWebhookDeliversInOrderAndRetries(t *testing.T) {
	rcv := &receiver{failures: 2}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncLog
	w := &Webhook{URL: srv.URL, Backoff: time.Millisecond, Log: slog.New(slog.NewTextHandler(&logs, nil)),
		Filter: mustFilter(t, "detail-type=ECS Task State Change")}
	done := w.Start(ctx, b)
	b.Publish(taskEvent(t, "a", 1, "PROVISIONING"))
	other, _ := New(ServiceAction, SourceECS, "0", "r", t0, nil, map[string]string{"eventName": "SERVICE_STEADY_STATE"})
	b.Publish(other, taskEvent(t, "a", 2, "RUNNING"))
	rcv.await(t, "2 events delivered", func() bool { return rcv.count() == 2 })
	cancel()
	<-done
	for i, ev := range rcv.got {
		if !strings.Contains(string(ev.Detail), `"version":`+string(rune('1'+i))+`}`) {
			t.Errorf("event %d: %s", i, ev.Detail)
		}
	}
	if rcv.calls != 4 || logs.String() != "" {
		t.Errorf("%d calls (want 2 failures + 2), log %q", rcv.calls, logs.String())
	}
}

// A URL that keeps failing is logged once, however many events fail, and its
// recovery once with the count of events lost.
func TestWebhookLogsFailuresOncePerBurst(t *testing.T) {
	rcv := &receiver{failures: 1 << 30}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncLog
	w := &Webhook{URL: srv.URL, Backoff: time.Millisecond, Attempts: 3, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	done := w.Start(ctx, b)
	for i := 1; i <= 5; i++ {
		b.Publish(taskEvent(t, "a", i, "RUNNING"))
	}
	// 3 attempts for the first event, then 1 for each of the next 4.
	rcv.await(t, "7 attempts", func() bool { rcv.mu.Lock(); defer rcv.mu.Unlock(); return rcv.calls == 7 })
	rcv.mu.Lock()
	rcv.failures = 0
	rcv.mu.Unlock()
	b.Publish(taskEvent(t, "a", 6, "STOPPED"))
	rcv.await(t, "the 6th delivered", func() bool { return rcv.count() == 1 })
	cancel()
	<-done
	out := logs.String()
	if strings.Count(out, "cannot deliver") != 1 || !strings.Contains(out, "delivering again") || !strings.Contains(out, "lost=5") {
		t.Errorf("log:\n%s", out)
	}
}

// Start's context ending does not lose what is queued: it is sent within Drain.
func TestWebhookDrainsItsQueueOnStop(t *testing.T) {
	rcv := &receiver{block: make(chan struct{})}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	w := &Webhook{URL: srv.URL, Drain: 10 * time.Second}
	done := w.Start(ctx, b)
	for i := 1; i <= 3; i++ {
		b.Publish(taskEvent(t, "a", i, "RUNNING"))
	}
	cancel()
	close(rcv.block)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("webhook still running 10 s after its context ended")
	}
	if rcv.count() != 3 {
		t.Errorf("%d of 3 queued events delivered", rcv.count())
	}
}

// A receiver that never answers is given up on Drain after the context ends.
func TestWebhookGivesUpAfterDrain(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncLog
	w := &Webhook{URL: srv.URL, Drain: 20 * time.Millisecond, Client: &http.Client{}, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	done := w.Start(ctx, b)
	b.Publish(taskEvent(t, "a", 1, "RUNNING"), taskEvent(t, "a", 2, "RUNNING"))
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("webhook did not give up")
	}
	if !strings.Contains(logs.String(), "lost=2") {
		t.Errorf("log:\n%s", logs.String())
	}
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
