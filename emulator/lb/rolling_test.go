package lb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// bodySize makes responses span many reads and writes in the balancer, so a drain that
// cut connections mid-response would fail requests even though clients retry GETs.
const bodySize = 64 << 10

// httpBackend is a task's web server: it answers every GET with its name, padded to
// bodySize.
type httpBackend struct {
	name   string
	addr   string
	srv    *http.Server
	served atomic.Int64
	done   chan struct{} // closed when Serve returned
}

var padding = make([]byte, bodySize-1)

func startHTTPBackend(t *testing.T, name string) *httpBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := &httpBackend{name: name, addr: ln.Addr().String(), done: make(chan struct{})}
	be.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, name)
		_, _ = w.Write(padding)
		be.served.Add(1)
		progress.notify()
	})}
	go func() {
		defer close(be.done)
		_ = be.srv.Serve(ln)
	}()
	t.Cleanup(func() { be.shutdown(t) })
	return be
}

// shutdown stops the server gracefully, as a task does on SIGTERM.
func (be *httpBackend) shutdown(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := be.srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown %s: %v", be.name, err)
	}
	<-be.done
}

// hammer sends GETs through the balancer from several goroutines until stopped:
// keep-alive clients (long-lived connections, the hard case for a drain) and one that
// opens a connection per request (spreads over every target).
type hammer struct {
	ok       atomic.Int64
	mu       sync.Mutex
	failures []string
	stop     chan struct{}
	wg       sync.WaitGroup
}

func startHammer(url string, keepAlive int) *hammer {
	h := &hammer{stop: make(chan struct{})}
	shared := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: keepAlive}}
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	clients := []*http.Client{fresh}
	for range keepAlive {
		clients = append(clients, shared)
	}
	for _, c := range clients {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for {
				select {
				case <-h.stop:
					return
				default:
				}
				if err := get(c, url); err != nil {
					h.mu.Lock()
					h.failures = append(h.failures, err.Error())
					h.mu.Unlock()
					continue
				}
				h.ok.Add(1)
				progress.notify()
			}
		}()
	}
	return h
}

func get(c *http.Client, url string) error {
	var info httptrace.GotConnInfo
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { info = i }}))
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%w (conn %v->%v reused %v idle %v %v)", err, info.Conn.LocalAddr(), info.Conn.RemoteAddr(), info.Reused, info.WasIdle, info.IdleTime)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK || len(body) != 1+len(padding) {
		return fmt.Errorf("status %d, %d bytes", resp.StatusCode, len(body))
	}
	return nil
}

func (h *hammer) finish() (ok int64, failures []string) {
	close(h.stop)
	h.wg.Wait()
	return h.ok.Load(), h.failures
}

// TestRollingUpdateUnderLoad replaces two tasks by two new ones, twice, the way the
// control loop does (register new, await healthy, deregister old, await drained, stop
// old), under steady HTTP traffic, and expects not one failed request.
func TestRollingUpdateUnderLoad(t *testing.T) {
	b, err := New(Config{
		Name:                "rolling",
		Clock:               clock.Real{},
		HealthInterval:      50 * time.Millisecond,
		DeregistrationDelay: 150 * time.Millisecond,
		OnChange:            notifyProgress(nil),
		Log:                 slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	old := []*httpBackend{startHTTPBackend(t, "A"), startHTTPBackend(t, "B")}
	registerAndAwait(t, b, old)
	h := startHammer("http://"+b.Addr()+"/", 4)
	defer func() {
		if h != nil {
			h.finish()
		}
	}()
	waitFor(t, "traffic", func() bool { return h.ok.Load() > 50 })

	for _, names := range [][2]string{{"C", "D"}, {"E", "F"}} {
		next := []*httpBackend{startHTTPBackend(t, names[0]), startHTTPBackend(t, names[1])}
		registerAndAwait(t, b, next)
		for _, be := range old {
			b.Deregister(be.name)
		}
		start := time.Now()
		for _, be := range old {
			waitFor(t, be.name+" drained", func() bool { return b.Drained(be.name) })
		}
		t.Logf("drained in %v", time.Since(start))
		for _, be := range old {
			be.shutdown(t)
		}
		for _, be := range next {
			from := be.served.Load()
			waitFor(t, be.name+" serving", func() bool { return be.served.Load() > from+10 })
		}
		old = next
	}

	ok, failures := h.finish()
	h = nil
	t.Logf("%d requests through two rolling updates", ok)
	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %s", len(failures), failures[0])
	}
}

// registerAndAwait registers the backends and waits until they are healthy.
func registerAndAwait(t *testing.T, b *Balancer, backends []*httpBackend) {
	t.Helper()
	for _, be := range backends {
		b.Register(be.name, be.addr)
	}
	for _, be := range backends {
		waitFor(t, be.name+" healthy", func() bool { return b.Health(be.name) == StateHealthy })
	}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
