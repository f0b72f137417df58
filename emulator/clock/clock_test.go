package clock_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// recorder collects callback names with the fake time each fired at.
type recorder struct {
	mu    sync.Mutex
	fired []string
	at    []time.Duration
}

func (r *recorder) fn(c clock.Clock, name string) func() {
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.fired = append(r.fired, name)
		r.at = append(r.at, c.Now().Sub(start))
	}
}

func TestFakeTimers(t *testing.T) {
	type timer struct {
		name string
		d    time.Duration
		stop bool // stopped before any advance
	}
	tests := []struct {
		name     string
		timers   []timer
		advances []time.Duration
		want     []string
		wantAt   []time.Duration
		pending  int
	}{
		{
			name:     "fires in due order, not set order",
			timers:   []timer{{"c", 3 * time.Second, false}, {"a", time.Second, false}, {"b", 2 * time.Second, false}},
			advances: []time.Duration{5 * time.Second},
			want:     []string{"a", "b", "c"},
			wantAt:   []time.Duration{time.Second, 2 * time.Second, 3 * time.Second},
		},
		{
			name:     "same instant fires in set order",
			timers:   []timer{{"x", time.Second, false}, {"y", time.Second, false}, {"z", time.Second, false}},
			advances: []time.Duration{time.Second},
			want:     []string{"x", "y", "z"},
			wantAt:   []time.Duration{time.Second, time.Second, time.Second},
		},
		{
			name:     "not yet due stays pending",
			timers:   []timer{{"soon", time.Second, false}, {"later", time.Minute, false}},
			advances: []time.Duration{30 * time.Second},
			want:     []string{"soon"},
			wantAt:   []time.Duration{time.Second},
			pending:  1,
		},
		{
			name:     "stopped timer never fires",
			timers:   []timer{{"kept", time.Second, false}, {"stopped", time.Second, true}},
			advances: []time.Duration{time.Hour},
			want:     []string{"kept"},
			wantAt:   []time.Duration{time.Second},
		},
		{
			name:     "zero and negative durations fire at the next advance",
			timers:   []timer{{"zero", 0, false}, {"neg", -time.Second, false}},
			advances: []time.Duration{0},
			want:     []string{"zero", "neg"},
			wantAt:   []time.Duration{0, 0},
		},
		{
			name:     "split advances",
			timers:   []timer{{"a", time.Second, false}, {"b", 2 * time.Second, false}},
			advances: []time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond},
			want:     []string{"a", "b"},
			wantAt:   []time.Duration{time.Second, 2 * time.Second},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := clock.NewFake(start)
			var r recorder
			for _, tm := range tc.timers {
				timer := f.AfterFunc(tm.d, r.fn(f, tm.name))
				if tm.stop && !timer.Stop() {
					t.Fatalf("Stop of pending %s = false", tm.name)
				}
			}
			var total time.Duration
			for _, d := range tc.advances {
				f.Advance(d)
				total += d
			}
			if !slices.Equal(r.fired, tc.want) || !slices.Equal(r.at, tc.wantAt) {
				t.Errorf("fired %v at %v, want %v at %v", r.fired, r.at, tc.want, tc.wantAt)
			}
			if got := f.Now().Sub(start); got != total {
				t.Errorf("clock advanced %v, want %v", got, total)
			}
			if f.Pending() != tc.pending {
				t.Errorf("Pending = %d, want %d", f.Pending(), tc.pending)
			}
		})
	}
}

func TestFakeStopAfterFire(t *testing.T) {
	f := clock.NewFake(start)
	timer := f.AfterFunc(time.Second, func() {})
	f.Advance(time.Second)
	if timer.Stop() {
		t.Error("Stop of a fired timer = true")
	}
	other := f.AfterFunc(time.Second, func() {})
	if !other.Stop() || other.Stop() {
		t.Error("Stop should succeed once, then report false")
	}
}

// A callback that sets a timer still within the advance sees it fire in the same
// Advance; one beyond stays pending. A callback may also stop another timer.
func TestFakeReentrantTimers(t *testing.T) {
	f := clock.NewFake(start)
	var r recorder
	var victim clock.Timer
	f.AfterFunc(time.Second, func() {
		r.fn(f, "first")()
		f.AfterFunc(time.Second, r.fn(f, "chained"))
		f.AfterFunc(time.Hour, r.fn(f, "beyond"))
		victim.Stop()
	})
	victim = f.AfterFunc(1500*time.Millisecond, r.fn(f, "victim"))
	f.Advance(3 * time.Second)
	want := []string{"first", "chained"}
	wantAt := []time.Duration{time.Second, 2 * time.Second}
	if !slices.Equal(r.fired, want) || !slices.Equal(r.at, wantAt) {
		t.Errorf("fired %v at %v, want %v at %v", r.fired, r.at, want, wantAt)
	}
	if f.Pending() != 1 {
		t.Errorf("Pending = %d, want 1 (the timer beyond the advance)", f.Pending())
	}
}

// A periodic timer that re-arms itself fires once per period within one Advance.
func TestFakePeriodic(t *testing.T) {
	f := clock.NewFake(start)
	n := 0
	var tick func()
	tick = func() { n++; f.AfterFunc(time.Second, tick) }
	f.AfterFunc(time.Second, tick)
	f.Advance(10 * time.Second)
	if n != 10 {
		t.Errorf("ticks = %d, want 10", n)
	}
}

func TestFakeConcurrentUse(t *testing.T) {
	f := clock.NewFake(start)
	var wg sync.WaitGroup
	var mu sync.Mutex
	fired := 0
	for i := range 50 {
		wg.Go(func() {
			// Timers to be stopped are due an hour out, beyond every Advance here, so
			// another goroutine's Advance cannot fire one before this one stops it.
			d := time.Duration(i) * time.Millisecond
			if i%2 == 1 {
				d += time.Hour
			}
			timer := f.AfterFunc(d, func() { mu.Lock(); fired++; mu.Unlock() })
			if i%2 == 1 {
				timer.Stop()
			}
			f.Advance(time.Millisecond)
			_ = clock.Since(f, start)
		})
	}
	wg.Wait()
	f.Advance(time.Second)
	if fired != 25 {
		t.Errorf("fired = %d, want 25 (the unstopped half)", fired)
	}
}

func TestRealAfterFuncAndSince(t *testing.T) {
	c := clock.Real{}
	done := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(done) })
	<-done
	if c.AfterFunc(time.Hour, func() {}).Stop() != true {
		t.Error("Stop of a pending real timer = false")
	}
	f := clock.NewFake(start)
	f.Advance(time.Minute)
	if got := clock.Since(f, start); got != time.Minute {
		t.Errorf("Since = %v, want 1m", got)
	}
}

// Next is the earliest pending timer's due time, and nothing once all have fired.
func TestFakeNext(t *testing.T) {
	f := clock.NewFake(start)
	if _, ok := f.Next(); ok {
		t.Fatal("Next with no timer pending")
	}
	f.AfterFunc(3*time.Second, func() {})
	stopped := f.AfterFunc(time.Second, func() {})
	f.AfterFunc(2*time.Second, func() {})
	if next, ok := f.Next(); !ok || !next.Equal(start.Add(time.Second)) {
		t.Errorf("Next = %v %v, want %v", next, ok, start.Add(time.Second))
	}
	stopped.Stop()
	if next, _ := f.Next(); !next.Equal(start.Add(2 * time.Second)) {
		t.Errorf("after Stop, Next = %v, want %v", next, start.Add(2*time.Second))
	}
	f.Advance(time.Hour)
	if _, ok := f.Next(); ok {
		t.Error("Next after every timer fired")
	}
}

// WaitPending returns once a goroutine has armed its timers, and not before.
func TestFakeWaitPending(t *testing.T) {
	f := clock.NewFake(start)
	armed := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- f.WaitPending(context.Background(), 2) }()
	f.AfterFunc(time.Second, func() {})
	go func() {
		<-armed
		f.AfterFunc(time.Second, func() {})
	}()
	select {
	case err := <-done:
		t.Fatalf("WaitPending returned with one timer pending: %v", err)
	default:
	}
	close(armed)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.WaitPending(ctx, 3); err == nil {
		t.Error("WaitPending for a third timer returned no error when ctx ended")
	}
}
