package events

import (
	"context"
	"sync"
)

// DefaultHistory is how many recent events a Bus keeps by default.
const DefaultHistory = 10000

// DefaultBuffer is a subscription's default buffer: how far a subscriber may fall
// behind before it loses events.
const DefaultBuffer = 1024

// Bus fans events out to subscribers and keeps the most recent ones. Publish never
// waits for a subscriber. The zero Bus is not usable; call NewBus.
type Bus struct {
	mu      sync.Mutex
	ring    []Event // the history: ring[(start+i)%len(ring)] for i < n, oldest first
	start   int
	n       int
	subs    map[*Subscription]struct{}
	total   uint64 // events published
	closed  bool
	dropped uint64 // events lost by all subscribers together
	// changed is closed (and replaced) when a subscription starts or ends, so that
	// WaitSubscribers waits for news instead of polling.
	changed chan struct{}
}

// NewBus returns a bus that keeps the last history events (DefaultHistory if ≤ 0).
func NewBus(history int) *Bus {
	if history <= 0 {
		history = DefaultHistory
	}
	return &Bus{ring: make([]Event, history), subs: map[*Subscription]struct{}{}}
}

// Subscription receives the events a Bus publishes after it was made, that match its
// filter, in publish order. A subscriber that falls more than its buffer behind loses
// events: before the next event it can take, it receives a DetailDropped notice
// saying how many.
type Subscription struct {
	// C delivers the events. It is closed when the subscription's context ends or the
	// bus closes; events already buffered can still be read.
	C <-chan Event

	c       chan Event
	bus     *Bus
	filter  Filter
	pending uint64 // events lost since the last notice
	dropped uint64 // events lost in all
	stop    func() bool
}

// Dropped is how many events the subscription has lost so far.
func (s *Subscription) Dropped() uint64 {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.dropped
}

// Subscribe delivers the events published from now on that match f until ctx ends.
// buffer is how many events may wait for the reader (DefaultBuffer if ≤ 0).
func (b *Bus) Subscribe(ctx context.Context, f Filter, buffer int) *Subscription {
	s, _ := b.subscribe(ctx, f, buffer, false)
	return s
}

// Follow is Subscribe plus the retained events that match f, oldest first, taken at the
// same instant: the reader sees each event once, the history first.
func (b *Bus) Follow(ctx context.Context, f Filter, buffer int) (*Subscription, []Event) {
	return b.subscribe(ctx, f, buffer, true)
}

func (b *Bus) subscribe(ctx context.Context, f Filter, buffer int, history bool) (*Subscription, []Event) {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	c := make(chan Event, buffer)
	s := &Subscription{C: c, c: c, bus: b, filter: f}
	b.mu.Lock()
	defer b.mu.Unlock()
	var past []Event
	if history {
		past = b.historyLocked(f, 0)
	}
	if b.closed {
		close(c)
		return s, past
	}
	b.subs[s] = struct{}{}
	b.notifyLocked()
	// No goroutine waits on ctx: the runtime calls unsubscribe once it ends (in a
	// goroutine of its own, which waits for b.mu, so not before s is registered).
	s.stop = context.AfterFunc(ctx, func() { b.unsubscribe(s) })
	return s, past
}

func (b *Bus) unsubscribe(s *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.c)
		b.notifyLocked()
	}
}

// notifyLocked wakes the goroutines in WaitSubscribers.
func (b *Bus) notifyLocked() {
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
}

// WaitSubscribers blocks until the bus has exactly n subscribers, or ctx ends: a
// caller (a test) learns without polling that a follower listens, or has gone.
func (b *Bus) WaitSubscribers(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		if len(b.subs) == n {
			b.mu.Unlock()
			return nil
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Publish records events in the history and offers each to every subscriber whose
// filter matches, without waiting: a subscriber with no room loses it.
func (b *Bus) Publish(evs ...Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	for _, ev := range evs {
		b.total++
		b.ring[(b.start+b.n)%len(b.ring)] = ev
		if b.n < len(b.ring) {
			b.n++
		} else {
			b.start = (b.start + 1) % len(b.ring)
		}
		p := probe{ev: &ev}
		for s := range b.subs {
			if !s.filter.Empty() && !s.filter.match(&p) {
				continue
			}
			b.offer(s, ev)
		}
	}
}

// offer sends ev to s if there is room, preceded by a notice of the events s lost
// before it (which needs a second free slot). Only Publish sends, under b.mu, so the
// free room it sees cannot shrink before it sends.
func (b *Bus) offer(s *Subscription, ev Event) {
	free := cap(s.c) - len(s.c)
	need := 1
	if s.pending > 0 {
		need = 2
	}
	if free < need {
		s.pending++
		s.dropped++
		b.dropped++
		return
	}
	if s.pending > 0 {
		s.c <- droppedNotice(s.pending, ev)
		s.pending = 0
	}
	s.c <- ev
}

// History returns the retained events that match f, oldest first; with last > 0, only
// the last that many of them.
func (b *Bus) History(f Filter, last int) []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.historyLocked(f, last)
}

func (b *Bus) historyLocked(f Filter, last int) []Event {
	var out []Event
	for i := 0; i < b.n; i++ {
		ev := b.ring[(b.start+i)%len(b.ring)]
		if f.Empty() || f.Match(ev) {
			out = append(out, ev)
		}
	}
	if last > 0 && len(out) > last {
		out = out[len(out)-last:]
	}
	return out
}

// Stats are a bus's counters.
type Stats struct {
	Published   uint64 // events published since the bus was made
	Retained    int    // events in the history
	Subscribers int
	Dropped     uint64 // events subscribers lost, all together
}

// Stats returns the bus's counters.
func (b *Bus) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Stats{Published: b.total, Retained: b.n, Subscribers: len(b.subs), Dropped: b.dropped}
}

// Close ends every subscription (their channels close once drained) and makes later
// publishes no-ops; later subscriptions are closed from the start.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		s.stop()
		close(s.c)
	}
	b.notifyLocked()
}
