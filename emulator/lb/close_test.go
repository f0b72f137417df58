package lb

import (
	"errors"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

func TestNewRejects(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	fake := clock.NewFake(epoch)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no clock", Config{Name: "tg"}, "Clock is required"},
		{"negative delay", Config{Clock: fake, DeregistrationDelay: -time.Second}, "negative"},
		{"negative threshold", Config{Clock: fake, HealthyThreshold: -1}, "negative"},
		{"address in use", Config{Clock: fake, Listen: busy.Addr().String()}, busy.Addr().String()},
		{"bad address", Config{Clock: fake, Listen: "127.0.0.1:http-nope"}, "127.0.0.1:http-nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(tt.cfg)
			if err == nil {
				b.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
	t.Run("listen errors wrap the net error", func(t *testing.T) {
		_, err := New(Config{Clock: fake, Listen: busy.Addr().String()})
		var opErr *net.OpError
		if !errors.As(err, &opErr) {
			t.Errorf("error %v does not wrap a *net.OpError", err)
		}
	})
}

// TestCloseLeavesNoGoroutines closes a busy balancer on the real clock (timers of its
// own) and expects every goroutine it started to be gone.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		be := startBackend(t, "a")
		defer be.stop()
		changes := 0
		b, err := New(Config{Clock: clock.Real{}, HealthInterval: 5 * time.Millisecond, OnChange: notifyProgress(func() { changes++ })})
		if err != nil {
			t.Fatal(err)
		}
		b.Register("a", be.addr)
		b.Register("down", "127.0.0.1:1")
		waitFor(t, "healthy", func() bool { return b.Health("a") == StateHealthy })
		idle, waiting := dialLB(t, b), dialLB(t, b)
		if _, err := idle.ask("ping"); err != nil {
			t.Fatal(err)
		}
		if err := waiting.send("slow"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "slow request forwarded", func() bool { return be.slow.Load() > 0 })
		b.Deregister("a") // a drain timer pending too

		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if changes == 0 { // read after Close, which waited for the notifier
			t.Error("OnChange never called")
		}
		for _, c := range []*client{idle, waiting} {
			if _, err := c.reply(); !isEnd(err) {
				t.Errorf("connection still open after Close: %v", err)
			}
			_ = c.conn.Close()
		}
		b.Register("b", be.addr) // after Close: ignored, starts nothing
		if got := b.Health("b"); got != StateUnused {
			t.Errorf("registered after Close: %s", got)
		}
		if _, err := net.Dial("tcp", b.Addr()); err == nil {
			t.Error("still accepting after Close")
		}
	}()
	var after int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if after = runtime.NumGoroutine(); after <= before {
			return
		}
		if time.Now().After(deadline) {
			break
		}
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
}
