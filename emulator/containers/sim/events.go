package sim

import (
	"context"
	"fmt"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
)

// subscriber is one Events stream. The state machine appends to its queue and never
// waits; its pump goroutine delivers the queue in order. The pump exits when ctx ends or
// when the queue overflowed (the subscriber is hopelessly slow), closing both channels.
type subscriber struct {
	mu      sync.Mutex
	queue   []containers.Event
	dropped bool
	wake    chan struct{}   // capacity 1: "the queue has news"
	tracked *clock.Activity // set for a TrackedEvents stream

	out  chan containers.Event
	errc chan error
}

// Events subscribes to every container event from now on.
func (r *Runtime) Events(ctx context.Context) (<-chan containers.Event, <-chan error) {
	return r.subscribe(ctx, nil)
}

// TrackedEvents is Events whose events each hold an activity token (Options.Activity)
// until the consumer calls their Handled: the agent's stream, so that a Settle waits
// for the agent to act on what the runtime reported.
func (r *Runtime) TrackedEvents(ctx context.Context) (<-chan containers.Event, <-chan error) {
	return r.subscribe(ctx, r.opts.Activity)
}

func (r *Runtime) subscribe(ctx context.Context, tracked *clock.Activity) (<-chan containers.Event, <-chan error) {
	s := &subscriber{
		tracked: tracked,
		wake:    make(chan struct{}, 1),
		out:     make(chan containers.Event, 64),
		errc:    make(chan error, 1),
	}
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	go r.pump(ctx, s)
	return s.out, s.errc
}

func (r *Runtime) pump(ctx context.Context, s *subscriber) {
	var undelivered []containers.Event
	failed := false // the stream's failure was sent, its token with it
	defer func() {
		r.mu.Lock()
		delete(r.subs, s)
		r.mu.Unlock()
		s.abandon(undelivered, failed) // after the delete: nothing is queued any more
		close(s.out)
		close(s.errc)
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		s.mu.Lock()
		batch, dropped := s.queue, s.dropped
		s.queue = nil
		s.mu.Unlock()
		for i, e := range batch {
			select {
			case s.out <- e:
			case <-ctx.Done():
				undelivered = batch[i:]
				return
			}
		}
		if dropped {
			err := &containers.StreamError{Err: fmt.Errorf("sim: events: subscriber fell more than %d events behind; events were dropped", r.opts.EventBuffer)}
			if s.tracked != nil {
				err.Handled = s.tracked.Done
			}
			s.errc <- err
			failed = true
			return
		}
	}
}

// abandon gives back the tokens of what a tracked stream that ended will never deliver:
// the rest of a batch, what is still queued, and the failure unless it was sent.
func (s *subscriber) abandon(batch []containers.Event, failed bool) {
	s.mu.Lock()
	n := len(batch) + len(s.queue)
	if s.dropped && !failed {
		n++
	}
	s.queue = nil
	s.mu.Unlock()
	if s.tracked != nil {
		s.tracked.Add(-n)
	}
}

// push queues e without blocking; past limit the subscriber is marked as dropped.
func (s *subscriber) push(e containers.Event, limit int) {
	s.mu.Lock()
	switch {
	case s.dropped:
	case len(s.queue) >= limit:
		s.dropped = true
		if s.tracked != nil {
			s.tracked.Add(1) // the failure's token (a StreamError's), taken now as an event's is
		}
	default:
		if s.tracked != nil {
			s.tracked.Add(1)
			e.Handled = s.tracked.Done
		}
		s.queue = append(s.queue, e)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// emit sends an event about c to every subscriber. The events share the container's
// labels, which are never modified after Create (a copy per event was 1 KiB a task that
// the log collector keeps while a container lives). Callers hold r.mu, which keeps each
// subscriber's events in order.
func (r *Runtime) emit(c *container, kind containers.EventKind, set func(*containers.Event)) {
	if len(r.subs) == 0 {
		return
	}
	e := containers.Event{ID: c.id, Kind: kind, At: r.clock.Now(), Labels: c.spec.Labels}
	if set != nil {
		set(&e)
	}
	for s := range r.subs {
		s.push(e, r.opts.EventBuffer)
	}
}
