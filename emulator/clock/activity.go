package clock

import (
	"context"
	"sync"
)

// Activity counts the simulated work that is under way or about to start, so a test can
// wait until the simulation has done everything it can at the current time (see
// emulator.Settle). It works by passing tokens: a goroutine holds one while it works;
// whoever hands it work (a nudge, an event, a fired timer) adds a token for it first; a
// goroutine gives its token back (Done) before it blocks waiting for more work or for
// time. The count is zero exactly when nothing is left to do until the clock moves.
//
// A nil *Activity counts nothing, so production code calls it unconditionally.
type Activity struct {
	mu      sync.Mutex
	n       int
	changed chan struct{} // closed and replaced whenever n reaches zero
}

// NewActivity returns an Activity with nothing under way.
func NewActivity() *Activity { return &Activity{changed: make(chan struct{})} }

// Add counts n more pieces of work (n may be negative).
func (a *Activity) Add(n int) {
	if a == nil || n == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n += n
	if a.n <= 0 {
		close(a.changed)
		a.changed = make(chan struct{})
	}
}

// Done counts one piece of work as finished.
func (a *Activity) Done() { a.Add(-1) }

// Busy is how many pieces of work are under way.
func (a *Activity) Busy() int {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

// Wait returns once nothing is under way, or with ctx's error.
func (a *Activity) Wait(ctx context.Context) error {
	if a == nil {
		return nil
	}
	for {
		a.mu.Lock()
		n, changed := a.n, a.changed
		a.mu.Unlock()
		if n <= 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
