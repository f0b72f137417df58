package sim

import "context"

// park waits until ch is closed, or ctx ends. Callers hold r.mu; park returns with it
// released. While it waits, the caller's activity token (Options.Activity) is given up:
// only the simulation's time can close ch, and wake, which closes it, hands the token
// back first, so a Settle in between sees a simulation with nothing left to do now.
func (r *Runtime) park(ctx context.Context, ch chan struct{}, waiting *int) error {
	if closed(ch) {
		r.mu.Unlock()
		return nil
	}
	*waiting++
	r.opts.Activity.Done()
	r.mu.Unlock()
	select {
	case <-ch:
		return nil // wake counted us again
	case <-ctx.Done():
		r.mu.Lock()
		if !closed(ch) {
			*waiting--
			r.opts.Activity.Add(1)
		}
		r.mu.Unlock()
		return ctx.Err()
	}
}

// wake closes ch, handing an activity token back to each goroutine parked on it.
// Callers hold r.mu.
func (r *Runtime) wake(ch chan struct{}, waiting *int) {
	r.opts.Activity.Add(*waiting)
	*waiting = 0
	close(ch)
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
