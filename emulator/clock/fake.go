package clock

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Fake is a manually advanced clock for tests. Its timers fire only inside Advance, in
// due-time order (ties in the order they were set), each callback run synchronously and
// outside the Fake's lock, so a callback may read the clock or set further timers and a
// test knows that everything due has happened when Advance returns.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	seq    uint64 // orders timers set for the same instant
	// changed is closed (and replaced) whenever a timer is set, fires or is stopped,
	// so WaitPending waits for news instead of polling.
	changed chan struct{}
}

// NewFake returns a Fake clock set to start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// AfterFunc schedules f for d after the current fake time. A d of zero or less makes it
// due now: it fires at the next Advance (even Advance(0)), never inside AfterFunc,
// because the caller may hold locks that f takes.
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d < 0 {
		d = 0
	}
	f.seq++
	t := &fakeTimer{fake: f, when: f.now.Add(d), seq: f.seq, fn: fn, index: -1}
	heap.Push(&f.timers, t)
	f.notifyLocked()
	return t
}

// notifyLocked wakes the goroutines waiting in WaitPending.
func (f *Fake) notifyLocked() {
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

// Advance moves the fake time forward by d, firing every timer that falls due on the
// way. Before each callback the clock reads the timer's due time, so callbacks see the
// instant they were scheduled for; timers they set that fall due within the advance fire
// too. When Advance returns, the clock reads the old time plus d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	target := f.now.Add(d)
	f.mu.Unlock()
	for {
		f.mu.Lock()
		if len(f.timers) == 0 || f.timers[0].when.After(target) {
			if target.After(f.now) {
				f.now = target
			}
			f.mu.Unlock()
			return
		}
		t := heap.Pop(&f.timers).(*fakeTimer)
		f.notifyLocked()
		if t.when.After(f.now) {
			f.now = t.when
		}
		f.mu.Unlock()
		t.fn()
	}
}

// Pending reports how many timers have not fired or been stopped yet.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// Next reports when the earliest pending timer falls due; false when none is pending.
// A test that runs a simulation to its end advances to Next until nothing is left.
func (f *Fake) Next() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.timers) == 0 {
		return time.Time{}, false
	}
	return f.timers[0].when, true
}

// WaitPending blocks until at least n timers are pending or ctx ends: a test learns
// that the goroutine it drives has armed its timers (is waiting on the clock) without
// polling in real time.
func (f *Fake) WaitPending(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		if len(f.timers) >= n {
			f.mu.Unlock()
			return nil
		}
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fakeTimer is one pending AfterFunc of a Fake; index is its place in the heap, -1 once
// it fired or was stopped.
type fakeTimer struct {
	fake  *Fake
	when  time.Time
	seq   uint64
	fn    func()
	index int
}

// Stop removes the timer if it is still pending.
func (t *fakeTimer) Stop() bool {
	t.fake.mu.Lock()
	defer t.fake.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.fake.timers, t.index)
	t.fake.notifyLocked()
	return true
}

// timerHeap orders pending timers by due time, then by the order they were set.
type timerHeap []*fakeTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*fakeTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
