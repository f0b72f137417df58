package cli

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

// upDriver lets a test run `up`, its compose import and the demo on a clock the test
// drives instead of the wall clock, so a scenario that takes minutes of emulator time
// (health checks, stop timeouts, a seven-day retirement) runs as fast as the CPU allows
// and the same way every time. A nil *upDriver is the wall clock.
type upDriver struct {
	// Clock is the base under the emulator's virtual clock (a clock.Fake).
	Clock clock.Clock
	// Activity is shared by the emulator, the agent and the simulated runtime, so that
	// the emulator's Settle waits for their work.
	Activity *clock.Activity
	// Built receives the emulator once it is built, for the test to settle.
	Built func(*emulator.Emulator)
	// Collected receives the task log collector once it runs, for the test to wait
	// on its changes.
	Collected func(*logs.Collector)
	// Debounce times the compose watcher's debounce (nil: the wall clock).
	Debounce clock.Clock
	// Wait is every poll's pause (the compose import's dependency checks, the demo's
	// waits): the test settles the emulator and moves its clock by d.
	Wait func(ctx context.Context, d time.Duration) error
}

func (d *upDriver) base() clock.Clock {
	if d == nil || d.Clock == nil {
		return clock.Real{}
	}
	return d.Clock
}

func (d *upDriver) activity() *clock.Activity {
	if d == nil {
		return nil
	}
	return d.Activity
}

func (d *upDriver) built(e *emulator.Emulator) {
	if d != nil && d.Built != nil {
		d.Built(e)
	}
}

func (d *upDriver) collected(c *logs.Collector) {
	if d != nil && d.Collected != nil {
		d.Collected(c)
	}
}

func (d *upDriver) debounce() clock.Clock {
	if d == nil {
		return nil
	}
	return d.Debounce
}

// wait is the pause between polls: the test's Wait, or nil (real time).
func (d *upDriver) wait() func(ctx context.Context, d time.Duration) error {
	if d == nil {
		return nil
	}
	return d.Wait
}
