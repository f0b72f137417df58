package lb

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// testInterval is the health interval of fake-clock tests.
const testInterval = 2 * time.Second

// newFakeLB starts a balancer on a fake clock, closed when the test ends.
func newFakeLB(t *testing.T, cfg Config) (*clock.Fake, *Balancer) {
	t.Helper()
	fake := clock.NewFake(epoch)
	cfg.Clock = fake
	cfg.OnChange = notifyProgress(cfg.OnChange)
	if cfg.HealthInterval == 0 {
		cfg.HealthInterval = testInterval
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return fake, b
}

// settle waits until the health checks in flight have been recorded.
func settle(b *Balancer) { b.checks.Wait() }

// advance moves the fake clock and waits for the checks it started.
func advance(fake *clock.Fake, b *Balancer, d time.Duration) {
	fake.Advance(d)
	settle(b)
}

// registerHealthy registers the backends and runs the checks that make them healthy.
func registerHealthy(t *testing.T, fake *clock.Fake, b *Balancer, backends ...*backend) {
	t.Helper()
	for _, be := range backends {
		b.Register(be.name, be.addr)
	}
	settle(b)
	for range b.cfg.HealthyThreshold - 1 {
		advance(fake, b, b.cfg.HealthInterval)
	}
	for _, be := range backends {
		if got := b.Health(be.name); got != StateHealthy {
			t.Fatalf("%s is %s, want healthy; targets %+v", be.name, got, b.Targets())
		}
	}
}

// signal wakes its waiters at every notify: a waiter takes changed, reads what it
// watches, and waits on the channel for the next change instead of polling.
type signal struct {
	mu sync.Mutex
	ch chan struct{} // closed and replaced by notify
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ch
}

func (s *signal) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.ch)
	s.ch = make(chan struct{})
}

// progress is notified whenever something a test waits for may have changed: a
// balancer's targets (the tests' OnChange), a backend's request counts, a test client's
// requests. The package's tests run one at a time, so one signal serves them all; a
// wake-up meant for another only makes waitFor look again.
var progress = newSignal()

// notifyProgress is an OnChange that wakes waitFor, after calling then (if set).
func notifyProgress(then func()) func() {
	return func() {
		if then != nil {
			then()
		}
		progress.notify()
	}
}

// waitFor waits until cond holds, looking again at each progress.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second) // a hang, not a timing: every change notifies
	for {
		changed := progress.changed() // before cond, so no change between them is missed
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// backend is a line-protocol TCP server: "ping" is answered with its name at once,
// "slow" once release is closed. It closes a connection when the client stops sending.
type backend struct {
	name, addr string
	served     atomic.Int64  // replies sent
	slow       atomic.Int64  // "slow" requests received
	release    chan struct{} // closing it answers "slow" requests
	quit       chan struct{} // closed by stop, so "slow" handlers end too
	quitOnce   sync.Once

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func startBackend(t *testing.T, name string) *backend {
	t.Helper()
	be := &backend{name: name, release: make(chan struct{}), quit: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	be.listen(t, "127.0.0.1:0")
	t.Cleanup(be.stop)
	return be
}

// listen (re)starts the backend on addr.
func (be *backend) listen(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	be.mu.Lock()
	be.ln, be.addr = ln, ln.Addr().String()
	be.mu.Unlock()
	be.wg.Add(1)
	go func() {
		defer be.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			be.mu.Lock()
			be.conns[conn] = struct{}{}
			be.mu.Unlock()
			be.wg.Add(1)
			go be.handle(conn)
		}
	}()
}

func (be *backend) handle(conn net.Conn) {
	defer be.wg.Done()
	defer func() {
		be.mu.Lock()
		delete(be.conns, conn)
		be.mu.Unlock()
		_ = conn.Close()
	}()
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimSpace(line) == "slow" {
			be.slow.Add(1)
			progress.notify()
			select {
			case <-be.release:
			case <-be.quit:
				return
			}
		}
		if _, err := io.WriteString(conn, be.name+"\n"); err != nil {
			return
		}
		be.served.Add(1)
		progress.notify()
	}
}

// stop closes the listener and every connection, and waits for the handlers.
func (be *backend) stop() {
	be.quitOnce.Do(func() { close(be.quit) })
	be.mu.Lock()
	_ = be.ln.Close()
	for c := range be.conns {
		_ = c.Close()
	}
	be.mu.Unlock()
	be.wg.Wait()
}

// client is one connection through the balancer.
type client struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialLB(t *testing.T, b *Balancer) *client {
	t.Helper()
	conn, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &client{conn: conn, r: bufio.NewReader(conn)}
}

func (c *client) send(line string) error {
	_, err := io.WriteString(c.conn, line+"\n")
	return err
}

// reply reads one reply line; io.EOF means the balancer ended the connection.
func (c *client) reply() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func (c *client) ask(line string) (string, error) {
	if err := c.send(line); err != nil {
		return "", err
	}
	return c.reply()
}

// askNew sends one ping on a new connection and returns the name that answered.
func askNew(t *testing.T, b *Balancer) (string, error) {
	t.Helper()
	c := dialLB(t, b)
	defer c.conn.Close()
	return c.ask("ping")
}

// spread asks n times on new connections and counts the answers by backend name.
func spread(t *testing.T, b *Balancer, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range n {
		name, err := askNew(t, b)
		if err != nil {
			t.Fatalf("request through the balancer failed: %v", err)
		}
		got[name]++
	}
	return got
}

// isEnd reports whether err is how a client sees the balancer end a connection.
func isEnd(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.As(err, &ne)
}
