package emulator

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// jumpingClock is a fake clock that jumps ahead by jump just before it arms the first
// timer asked of it: the moment a test's Advance can fall between the control loop
// working out how long to wait and arming its timer. It reports every AfterFunc call.
type jumpingClock struct {
	*clock.Fake
	jump  time.Duration
	once  sync.Once
	armed chan time.Duration
}

func (c *jumpingClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	c.once.Do(func() { c.Fake.Advance(c.jump) })
	select {
	case c.armed <- d:
	default:
	}
	return c.Fake.AfterFunc(d, f)
}

// TestRunPassesWhenTheClockJumpsWhileArming: when the clock passes the loop's next
// due time while its timer is being armed, the timer would count from the jump and
// fire late (or, on a fake clock that moves no further, never); the loop passes again
// at once instead.
func TestRunPassesWhenTheClockJumpsWhileArming(t *testing.T) {
	clk := &jumpingClock{Fake: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), jump: 2 * PurgeInterval,
		armed: make(chan time.Duration, 16)}
	e, err := New(Config{Clock: clk, LoadBalancers: LoadBalancerConfig{Simulated: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// The first pass is due again at the next purge, a minute on; the clock jumps two
	// minutes as that timer is armed, so the purge is due at once: a second pass must
	// follow without anything else kicking the loop.
	for pass := 1; pass <= 2; pass++ {
		select {
		case <-clk.armed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no timer armed after pass %d: the loop waits for a due time the clock has passed", pass)
		}
	}
}
