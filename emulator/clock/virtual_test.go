package clock

import (
	"strings"
	"sync"
	"testing"
	"time"
)

var origin = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// recorder notes which timers fired, at what virtual time.
type recorder struct {
	mu    sync.Mutex
	fired []string
}

func (r *recorder) add(v *Virtual, name string) func() {
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.fired = append(r.fired, name+"@"+v.Now().Sub(origin).Round(time.Millisecond).String()) // timers fire at or just after their instant
	}
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.fired, " ")
}

func TestVirtualScaleAndTimers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scale float64
		step  func(base *Fake, v *Virtual)
		want  string
		now   time.Duration
	}{
		{"scale 1 follows the base", 1, func(b *Fake, _ *Virtual) { b.Advance(10 * time.Second) }, "a@10s", 10 * time.Second},
		{"scale 60: a minute per second", 60, func(b *Fake, _ *Virtual) { b.Advance(2 * time.Second) }, "a@10s b@2m0s", 2 * time.Minute},
		{"advance fires what falls due, in order", 1, func(_ *Fake, v *Virtual) { _ = v.Advance(7 * 24 * time.Hour) }, "a@168h0m0s b@168h0m0s", 7 * 24 * time.Hour},
		{"advance then wait for the rest", 1, func(b *Fake, v *Virtual) { _ = v.Advance(30 * time.Second); b.Advance(90 * time.Second) }, "a@30s b@2m0s", 2 * time.Minute},
		{"a faster scale re-arms pending timers", 1, func(b *Fake, v *Virtual) { _ = v.SetScale(120); b.Advance(time.Second) }, "a@10s b@2m0s", 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := NewFake(origin)
			v, err := NewVirtual(base, tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			var r recorder
			v.AfterFunc(10*time.Second, r.add(v, "a"))
			v.AfterFunc(2*time.Minute, r.add(v, "b"))
			tc.step(base, v)
			if got := r.String(); got != tc.want {
				t.Errorf("fired %q, want %q", got, tc.want)
			}
			if got := v.Now().Sub(origin).Round(time.Millisecond); got != tc.now {
				t.Errorf("now +%v, want +%v", got, tc.now)
			}
		})
	}
}

func TestVirtualStopAndErrors(t *testing.T) {
	base := NewFake(origin)
	v, _ := NewVirtual(base, 1)
	var r recorder
	tm := v.AfterFunc(time.Second, r.add(v, "stopped"))
	if !tm.Stop() || tm.Stop() {
		t.Error("Stop must report true once, then false")
	}
	_ = v.Advance(time.Minute)
	if r.String() != "" {
		t.Errorf("a stopped timer fired: %s", r.String())
	}
	if err := v.Advance(-time.Second); err == nil {
		t.Error("the clock must refuse to go back")
	}
	if err := v.SetScale(0); err == nil {
		t.Error("a zero scale must be refused")
	}
	if _, err := NewVirtual(base, -1); err == nil {
		t.Error("a negative scale must be refused")
	}
	if v.Scale() != 1 {
		t.Errorf("scale %v", v.Scale())
	}
}

// A timer set from a callback during Advance, due within the jump, still waits for its
// own time (Advance fires what was due when it was called).
func TestVirtualTimerSetInCallback(t *testing.T) {
	base := NewFake(origin)
	v, _ := NewVirtual(base, 1)
	var r recorder
	v.AfterFunc(time.Second, func() { v.AfterFunc(time.Second, r.add(v, "chained")) })
	_ = v.Advance(time.Hour)
	if r.String() != "" {
		t.Fatalf("fired early: %s", r.String())
	}
	base.Advance(time.Second)
	if got := r.String(); got != "chained@1h0m1s" {
		t.Errorf("fired %q", got)
	}
}
