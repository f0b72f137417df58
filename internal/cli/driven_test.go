package cli

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
)

// drivenClock runs `up` (and the compose import and demo in it) on a fake clock that
// only moves when a poll waits: the wait settles the emulator, then moves the clock
// timer by timer, settling after each, so every health check, stop timeout and
// deployment step happens in order at its emulator instant and none costs real time.
type drivenClock struct {
	fake *clock.Fake
	act  *clock.Activity
	emu  atomic.Pointer[emulator.Emulator]
	mu   sync.Mutex // one wait moves the clock at a time
}

func newDrivenClock() *drivenClock {
	return &drivenClock{fake: clock.NewFake(time.Now()), act: clock.NewActivity()}
}

// driver is what up takes to run on this clock.
func (c *drivenClock) driver() *upDriver {
	return &upDriver{Clock: c.fake, Activity: c.act, Built: func(e *emulator.Emulator) { c.emu.Store(e) }, Wait: c.wait}
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
