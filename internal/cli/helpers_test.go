package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// syncBuffer is a bytes.Buffer safe to write from the server goroutine and read in tests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	// changed is closed (and replaced) by every write, so await waits for news.
	changed chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// changes returns a channel closed at the next write.
func (s *syncBuffer) changes() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// await waits, without polling, until ok holds for the text written from byte from on,
// and fails the test after limit of real time (a bound that only a broken test reaches).
func (s *syncBuffer) await(t testing.TB, from int, limit time.Duration, what string, ok func(string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		s.mu.Lock()
		text := s.b.String()
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if from > len(text) {
			from = len(text)
		}
		if ok(text[from:]) {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("no %s after %s:\n%s", what, limit, text[from:])
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startUp runs runUp in the background on a free loopback port and returns its address
// and a stop function that waits for it to finish and returns its error.
func startUp(t *testing.T, o upOptions) (addr string, out *syncBuffer, stop func() error) {
	t.Helper()
	if o.listen == "" {
		o.listen = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	out = &syncBuffer{}
	go func() { done <- runUp(ctx, o, out, out, ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("up exited before ready: %v\n%s", err, out)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("up not ready after 10s")
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return addr, out, stop
}

// call invokes an ECS operation with a raw JSON body and returns status and body.
func call(t *testing.T, addr, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: bad JSON %q", op, b)
	}
	return resp.StatusCode, m
}

// healthHandler answers GET /_ecsmini/health with h, for fake ecsminis.
func healthHandler(h ecsminiapi.Health) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h)
	})
}

// shutdownHandler answers POST /_ecsmini/shutdown with 202, as ecsmini does, and then
// calls stop once.
func shutdownHandler(stop func()) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		go once.Do(stop)
	})
}
