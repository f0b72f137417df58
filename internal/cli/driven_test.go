package cli

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

// drivenClock runs `up` (and the compose import and demo in it) on a fake clock that
// only moves when a poll waits: the wait settles the emulator, then moves the clock
// timer by timer, settling after each, so every health check, stop timeout and
// deployment step happens in order at its emulator instant and none costs real time.
type drivenClock struct {
	fake *clock.Fake
	act  *clock.Activity
	emu  atomic.Pointer[emulator.Emulator]
	logs atomic.Pointer[logs.Collector]
	mu   sync.Mutex // one wait moves the clock at a time
}

func newDrivenClock() *drivenClock {
	return &drivenClock{fake: clock.NewFake(time.Now()), act: clock.NewActivity()}
}

// driver is what up takes to run on this clock.
func (c *drivenClock) driver() *upDriver {
	return &upDriver{Clock: c.fake, Activity: c.act, Wait: c.wait,
		Built: func(e *emulator.Emulator) { c.emu.Store(e) }, Collected: func(l *logs.Collector) { c.logs.Store(l) }}
}

// maxSteps bounds one wait: a simulation that keeps arming timers at the same instant
// has a bug, which the wait reports instead of spinning.
const maxSteps = 100_000

// wait settles the emulator and moves the clock d ahead, one due timer at a time.
func (c *drivenClock) wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.fake.Now().Add(d)
	for range maxSteps {
		if err := c.settle(ctx); err != nil {
			return err
		}
		now := c.fake.Now()
		next, ok := c.fake.Next()
		if !ok || next.After(target) {
			c.fake.Advance(target.Sub(now))
			return c.settle(ctx)
		}
		c.fake.Advance(next.Sub(now))
	}
	return fmt.Errorf("the clock never reached %s: timers keep falling due at %s", target, c.fake.Now())
}

// settle runs the emulator until nothing is left to do at the current instant.
func (c *drivenClock) settle(ctx context.Context) error {
	e := c.emu.Load()
	if e == nil {
		return fmt.Errorf("settle: up has not built its emulator")
	}
	return e.Settle(ctx)
}

// startDriven runs up on the simulated runtime and a driven clock; the test moves the
// clock with the returned drivenClock.
func startDriven(t *testing.T, o upOptions) (addr string, out *syncBuffer, dc *drivenClock) {
	t.Helper()
	dc = newDrivenClock()
	o.drive = dc.driver()
	addr, out, _ = startUp(t, o)
	return addr, out, dc
}

// settleLimit bounds, in real time, a settle that never ends: only a leaked activity
// token reaches it. A passing settle takes milliseconds.
const settleLimit = 20 * time.Second

// settleT settles the emulator: what the test asked for has happened, and nothing more
// will until the clock moves, so the test can assert exactly, absences included.
func (c *drivenClock) settleT(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleLimit)
	defer cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.settle(ctx); err != nil {
		t.Fatalf("settle: %v (work under way: %d)", err, c.act.Busy())
	}
}

// advance moves the clock d ahead, settling at every timer on the way.
func (c *drivenClock) advance(t testing.TB, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleLimit)
	defer cancel()
	if err := c.wait(ctx, d); err != nil {
		t.Fatalf("advance %s: %v (work under way: %d)", d, err, c.act.Busy())
	}
}

// eventually settles and checks ok, moving the clock a second at a time, and fails
// once limit of emulator time has passed without ok holding.
func (c *drivenClock) eventually(t testing.TB, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for waited := time.Duration(0); ; waited += time.Second {
		c.settleT(t)
		if ok() {
			return
		}
		if waited >= limit {
			t.Fatalf("%s: not so after %s of emulator time", what, limit)
		}
		c.advance(t, time.Second)
	}
}

// awaitLogs waits until cond holds, looking again at each change of up's task log
// collector, which copies container output in its own goroutines (real I/O, not
// work a settle waits for); 10 s of real time bound a broken test.
func (c *drivenClock) awaitLogs(t testing.TB, what string, cond func() bool) {
	t.Helper()
	col := c.logs.Load()
	if col == nil {
		t.Fatal("up has not started its log collector")
	}
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		changed := col.Changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-limit.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
