package events

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func serve(t *testing.T, ctx context.Context, b *Bus) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(Path, Handler(ctx, b))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + Path
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func decodeLines(t *testing.T, body string) []Event {
	t.Helper()
	var out []Event
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if l == "" {
			continue
		}
		var ev Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, ev)
	}
	return out
}

func TestHandlerHistory(t *testing.T) {
	b := NewBus(0)
	u := serve(t, context.Background(), b)
	for i := 1; i <= 3; i++ {
		b.Publish(taskEvent(t, "a", i, "RUNNING"))
	}
	b.Publish(taskEvent(t, "a", 4, "STOPPED"))
	code, body := get(t, u)
	if evs := decodeLines(t, body); code != 200 || len(evs) != 4 || evs[0].DetailType != TaskStateChange {
		t.Fatalf("%d %s", code, body)
	}
	q := url.Values{"filter": {"detail.lastStatus=RUNNING"}, "tail": {"2"}}
	_, body = get(t, u+"?"+q.Encode())
	evs := decodeLines(t, body)
	if len(evs) != 2 || !strings.Contains(string(evs[1].Detail), `"version":3}`) {
		t.Fatalf("filtered tail: %s", body)
	}
	for _, bad := range []string{"filter=bogus", "follow=maybe", "tail=-2"} {
		code, body := get(t, u+"?"+bad)
		if code != http.StatusBadRequest || !strings.HasPrefix(body, "events: ") {
			t.Errorf("%s: %d %q", bad, code, body)
		}
	}
	resp, err := http.Post(u, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

// A follower gets the history, then each event as it is published; it ends when the
// client leaves or when the server's context ends.
func TestHandlerFollow(t *testing.T) {
	b := NewBus(0)
	srvCtx, stopServer := context.WithCancel(context.Background())
	u := serve(t, srvCtx, b)
	b.Publish(taskEvent(t, "a", 1, "PENDING"))

	follow := func(ctx context.Context, q string) (*bufio.Scanner, func()) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u+"?follow=1&"+q, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("Content-Type %q", ct)
		}
		return bufio.NewScanner(resp.Body), func() { resp.Body.Close() }
	}
	next := func(sc *bufio.Scanner) Event {
		t.Helper()
		line := make(chan string, 1)
		go func() {
			if sc.Scan() {
				line <- sc.Text()
			}
			close(line)
		}()
		select {
		case l, ok := <-line:
			if !ok {
				t.Fatal("stream ended")
			}
			return decodeLines(t, l)[0]
		case <-time.After(10 * time.Second):
			t.Fatal("no line within 10 s")
		}
		return Event{}
	}

	clientCtx, leave := context.WithCancel(context.Background())
	all, closeAll := follow(clientCtx, "")
	defer closeAll()
	stopped, closeStopped := follow(context.Background(), "filter=detail.lastStatus%3DSTOPPED")
	defer closeStopped()
	if ev := next(all); !strings.Contains(string(ev.Detail), `"PENDING"`) {
		t.Fatalf("history first: %s", ev.Detail)
	}
	waitSubscribers(t, b, 2)
	b.Publish(taskEvent(t, "a", 2, "RUNNING"), taskEvent(t, "a", 3, "STOPPED"))
	if ev := next(all); !strings.Contains(string(ev.Detail), `"version":2}`) {
		t.Fatalf("second: %s", ev.Detail)
	}
	if ev := next(all); !strings.Contains(string(ev.Detail), `"version":3}`) {
		t.Fatalf("third: %s", ev.Detail)
	}
	if ev := next(stopped); !strings.Contains(string(ev.Detail), `"version":3}`) {
		t.Fatalf("filtered follower: %s", ev.Detail)
	}
	leave()
	waitSubscribers(t, b, 1)
	stopServer()
	waitSubscribers(t, b, 0)
	if stopped.Scan() {
		t.Errorf("stream goes on after the server's context ended: %s", stopped.Text())
	}
}

func waitSubscribers(t *testing.T, b *Bus, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.WaitSubscribers(ctx, n); err != nil {
		t.Fatalf("%d subscribers, want %d: %v", b.Stats().Subscribers, n, err)
	}
}
