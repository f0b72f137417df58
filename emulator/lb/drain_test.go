package lb

import (
	"maps"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

const testDelay = 10 * time.Second

// drainSetup has two healthy targets and one open connection, and has deregistered the
// target that connection went to.
type drainSetup struct {
	fake     *clock.Fake
	b        *Balancer
	conn     *client
	target   *backend // the deregistered one
	other    string
	onChange chan struct{}
}

func newDrainSetup(t *testing.T) *drainSetup {
	t.Helper()
	onChange := make(chan struct{}, 1)
	fake, b := newFakeLB(t, Config{
		DeregistrationDelay: testDelay,
		OnChange: func() {
			select {
			case onChange <- struct{}{}:
			default:
			}
		},
	})
	a, c := startBackend(t, "a"), startBackend(t, "c")
	registerHealthy(t, fake, b, a, c)
	conn := dialLB(t, b)
	name, err := conn.ask("ping")
	if err != nil {
		t.Fatal(err)
	}
	s := &drainSetup{fake: fake, b: b, conn: conn, target: a, other: "c", onChange: onChange}
	if name == "c" {
		s.target, s.other = c, "a"
	}
	b.Deregister(s.id())
	return s
}

func (s *drainSetup) id() string { return s.target.name }

// checkDraining asserts the target is draining, gets no new connections, and its open
// connection still works.
func (s *drainSetup) checkDraining(t *testing.T) {
	t.Helper()
	if got := s.b.Health(s.id()); got != StateDraining || s.b.Drained(s.id()) {
		t.Fatalf("%s is %s (drained %v), want draining", s.id(), got, s.b.Drained(s.id()))
	}
	if got, want := spread(t, s.b, 3), map[string]int{s.other: 3}; !maps.Equal(got, want) {
		t.Errorf("new connections while draining %v, want %v", got, want)
	}
	if name, err := s.conn.ask("ping"); err != nil || name != s.id() {
		t.Errorf("open connection while draining: %q, %v; want %q", name, err, s.id())
	}
	for _, th := range s.b.Targets() {
		if th.ID == s.id() && th.ActiveConns != 1 {
			t.Errorf("%+v, want one active connection", th)
		}
	}
}

// expectNotify forgets earlier OnChange calls, so expectDrained sees only later ones.
func (s *drainSetup) expectNotify() {
	select {
	case <-s.onChange:
	default:
	}
}

// expectDrained waits for the drain to finish and for OnChange to report it.
func (s *drainSetup) expectDrained(t *testing.T) {
	t.Helper()
	waitFor(t, "drained", func() bool { return s.b.Drained(s.id()) })
	if got := s.b.Health(s.id()); got != StateUnused {
		t.Errorf("after the drain: %s, want unused", got)
	}
	select {
	case <-s.onChange:
	case <-time.After(5 * time.Second):
		t.Error("OnChange was not called after the drain")
	}
	if got := s.fake.Pending(); got != 1 {
		t.Errorf("%d timers pending, want 1 (the other target's health check)", got)
	}
}

// expectEnd asserts the balancer ended the client's connection.
func (s *drainSetup) expectEnd(t *testing.T) {
	t.Helper()
	if line, err := s.conn.reply(); !isEnd(err) {
		t.Errorf("read %q, %v; want the connection ended", line, err)
	}
}

func TestDrain(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *drainSetup)
	}{
		{"ends when the last connection closes", func(t *testing.T, s *drainSetup) {
			s.expectNotify()
			_ = s.conn.conn.Close()
			s.expectDrained(t)
		}},
		{"idle connection ends at the delay", func(t *testing.T, s *drainSetup) {
			s.fake.Advance(testDelay - time.Nanosecond)
			s.checkDraining(t)
			s.expectNotify()
			s.fake.Advance(time.Nanosecond)
			s.expectEnd(t)
			_ = s.conn.conn.Close() // as an HTTP client does when the server closes
			s.expectDrained(t)
		}},
		{"reply in flight at the delay is delivered, then the connection ends", func(t *testing.T, s *drainSetup) {
			if err := s.conn.send("slow"); err != nil {
				t.Fatal(err)
			}
			s.waitForwarded(t)
			s.fake.Advance(testDelay)
			if s.b.Drained(s.id()) {
				t.Fatal("drained with a reply in flight")
			}
			s.expectNotify()
			close(s.target.release)
			if name, err := s.conn.reply(); err != nil || name != s.id() {
				t.Errorf("reply %q, %v; want %q", name, err, s.id())
			}
			s.expectEnd(t)
			_ = s.conn.conn.Close()
			s.expectDrained(t)
		}},
		{"stuck reply is cut after the grace", func(t *testing.T, s *drainSetup) {
			if err := s.conn.send("slow"); err != nil {
				t.Fatal(err)
			}
			s.waitForwarded(t)
			s.fake.Advance(testDelay)
			s.expectNotify()
			s.fake.Advance(closeGrace)
			if !s.b.Drained(s.id()) {
				t.Error("not drained right after the grace")
			}
			s.expectEnd(t)
			s.expectDrained(t)
		}},
		{"client that ignores the end is cut after the grace", func(t *testing.T, s *drainSetup) {
			s.fake.Advance(testDelay)
			s.expectEnd(t) // but keep the connection open
			s.expectNotify()
			s.fake.Advance(closeGrace)
			s.expectDrained(t)
		}},
		{"re-registering cancels the drain", func(t *testing.T, s *drainSetup) {
			s.b.Register(s.id(), s.target.addr)
			if got := s.b.Health(s.id()); got != StateInitial {
				t.Errorf("re-registered target is %s, want initial", got)
			}
			settle(s.b)
			for range (testDelay + closeGrace) / testInterval {
				advance(s.fake, s.b, testInterval) // a check at a time: checks do not overlap
			}
			if name, err := s.conn.ask("ping"); err != nil || name != s.id() {
				t.Errorf("connection after the cancelled drain: %q, %v; want %q", name, err, s.id())
			}
			if got := s.b.Health(s.id()); got != StateHealthy || s.b.Drained(s.id()) {
				t.Errorf("re-registered target is %s (drained %v), want healthy", got, s.b.Drained(s.id()))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDrainSetup(t)
			s.checkDraining(t)
			tt.run(t, s)
		})
	}
}

// waitForwarded waits until the backend got the open connection's "slow" request.
func (s *drainSetup) waitForwarded(t *testing.T) {
	t.Helper()
	waitFor(t, "request forwarded", func() bool { return s.target.slow.Load() > 0 })
}

func TestDeregisterWithoutConnectionsDrainsAtOnce(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	a := startBackend(t, "a")
	registerHealthy(t, fake, b, a)
	b.Deregister("a")
	if !b.Drained("a") || b.Health("a") != StateUnused || len(b.Targets()) != 0 {
		t.Errorf("after Deregister: drained %v, %s, targets %v", b.Drained("a"), b.Health("a"), b.Targets())
	}
	if got := fake.Pending(); got != 0 {
		t.Errorf("%d timers pending, want 0", got)
	}
	b.Deregister("a")       // again: no-op
	b.Deregister("unknown") // never known: no-op
	if !b.Drained("unknown") {
		t.Error("an unknown target should count as drained")
	}
}
