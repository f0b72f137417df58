package lb

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
)

// TestCustomDial: with Config.Dial, targets are reached through it alone — health checks
// and client connections — so a simulated runtime whose tasks listen nowhere still gets
// healthy targets.
func TestCustomDial(t *testing.T) {
	var mu sync.Mutex
	dialed := map[string]int{}
	dial := func(_ context.Context, addr string) (net.Conn, error) {
		mu.Lock()
		dialed[addr]++
		mu.Unlock()
		if addr == "down:1" {
			return nil, errors.New("refused")
		}
		a, b := net.Pipe()
		go func() { // an echo server on the far end of the pipe
			defer b.Close()
			buf := make([]byte, 64)
			for {
				n, err := b.Read(buf)
				if err != nil {
					return
				}
				if _, err := b.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
		return a, nil
	}
	fake, b := newFakeLB(t, Config{Dial: dial, HealthyThreshold: 1})
	b.Register("up", "up:1")
	b.Register("down", "down:1")
	settle(b)
	advance(fake, b, b.cfg.HealthInterval)
	if got := b.Health("up"); got != StateHealthy {
		t.Fatalf("up is %s, want healthy", got)
	}
	if got := b.Health("down"); got == StateHealthy {
		t.Fatalf("down is healthy although its dial fails")
	}
	c := dialLB(t, b)
	if got, err := c.ask("ping"); err != nil || got != "ping" {
		t.Fatalf("through the custom dial: %q, %v", got, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if dialed["up:1"] < 2 {
		t.Fatalf("dials %v: want health checks and the client connection through Dial", dialed)
	}
}
