// Package clock is the only place in ecsmini that reads wall time. Everything that waits
// or timestamps (Spot warnings, retirement, health intervals, grace periods) takes a
// Clock, so tests run on a Fake in milliseconds and demos can fast-forward.
//
// Code that needs to wait never calls time.Sleep or time.After: it asks its Clock for a
// timer with AfterFunc and reacts in the callback, so a Fake drives it deterministically.
package clock

import "time"

// Clock tells the time and runs functions after a duration of its time.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f, in its own goroutine for Real and synchronously within
	// Fake.Advance for Fake, once d has passed on this clock. The returned Timer cancels it.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not happened yet and reports whether it did so
	// (false when the timer already fired or was stopped). As with time.Timer, a
	// callback that already started is not waited for.
	Stop() bool
}

// Since is the time elapsed on c since t, the Clock-aware time.Since.
func Since(c Clock, t time.Time) time.Duration { return c.Now().Sub(t) }

// Real is the wall clock.
type Real struct{}

// Now returns the current wall time.
func (Real) Now() time.Time { return time.Now() }

// AfterFunc calls f in its own goroutine after d of wall time (time.AfterFunc).
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
