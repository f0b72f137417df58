package clock

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Virtual is the emulator's clock: another clock's time (the wall clock in ecsmini up),
// optionally running faster (Scale) and jumped forward on demand (Advance), so a 7-day
// retirement wait or a 2-minute Spot warning can be crossed in a demo or a test. Its
// timers follow virtual time: one due at a virtual instant fires when that instant is
// reached, by waiting or by Advance. Time never runs backwards.
type Virtual struct {
	base Clock

	mu         sync.Mutex
	anchorBase time.Time // base time at the last re-anchoring
	anchorVirt time.Time // virtual time at that moment
	scale      float64
	timers     map[*virtualTimer]struct{}
}

// NewVirtual starts a virtual clock at base's current time, running scale times as fast.
func NewVirtual(base Clock, scale float64) (*Virtual, error) {
	if scale <= 0 {
		return nil, fmt.Errorf("time scale must be positive, not %v", scale)
	}
	now := base.Now()
	return &Virtual{base: base, anchorBase: now, anchorVirt: now, scale: scale, timers: map[*virtualTimer]struct{}{}}, nil
}

func (v *Virtual) nowLocked() time.Time {
	elapsed := v.base.Now().Sub(v.anchorBase)
	return v.anchorVirt.Add(time.Duration(float64(elapsed) * v.scale))
}

// Now is the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked()
}

// Scale is how many virtual seconds pass per second of the base clock.
func (v *Virtual) Scale() float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.scale
}

// AfterFunc calls f once d of virtual time has passed.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := &virtualTimer{v: v, due: v.nowLocked().Add(d), f: f}
	v.timers[t] = struct{}{}
	v.arm(t)
	return t
}

// arm schedules t on the base clock for the base time its due instant corresponds to.
// The wait is rounded up, so the base timer never fires before the virtual instant (a
// truncated wait would land a hair early and re-arm with a zero wait, forever).
func (v *Virtual) arm(t *virtualTimer) {
	left := t.due.Sub(v.nowLocked())
	wait := time.Duration(0)
	if left > 0 {
		wait = time.Duration(math.Ceil(float64(left) / v.scale))
	}
	t.under = v.base.AfterFunc(wait, func() { v.fire(t) })
}

// fire runs t if it is still pending and due (a rescheduled timer's old base timer may
// still fire: it is ignored, or re-armed if virtual time has not reached it).
func (v *Virtual) fire(t *virtualTimer) {
	v.mu.Lock()
	if _, ok := v.timers[t]; !ok {
		v.mu.Unlock()
		return
	}
	if v.nowLocked().Before(t.due) {
		v.arm(t)
		v.mu.Unlock()
		return
	}
	delete(v.timers, t)
	v.mu.Unlock()
	t.f()
}

// reanchor makes the current virtual time the anchor, before the scale or offset changes.
func (v *Virtual) reanchor(jump time.Duration) time.Time {
	now := v.nowLocked().Add(jump)
	v.anchorBase, v.anchorVirt = v.base.Now(), now
	return now
}

// Advance jumps virtual time forward by d. Timers that fall due fire, in due order, before
// Advance returns (synchronously, outside the clock's lock); the others are rescheduled.
func (v *Virtual) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("the clock only moves forward: cannot advance by %v", d)
	}
	v.mu.Lock()
	now := v.reanchor(d)
	var due []*virtualTimer
	for t := range v.timers {
		t.under.Stop()
		if !t.due.After(now) {
			delete(v.timers, t)
			due = append(due, t)
			continue
		}
		v.arm(t)
	}
	v.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].due.Before(due[j].due) })
	for _, t := range due {
		t.f()
	}
	return nil
}

// SetScale changes how fast virtual time runs from now on; pending timers follow.
func (v *Virtual) SetScale(scale float64) error {
	if scale <= 0 {
		return fmt.Errorf("time scale must be positive, not %v", scale)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.reanchor(0)
	v.scale = scale
	for t := range v.timers {
		t.under.Stop()
		v.arm(t)
	}
	return nil
}

type virtualTimer struct {
	v     *Virtual
	due   time.Time
	f     func()
	under Timer
}

// Stop cancels the timer; false when it already fired or was stopped.
func (t *virtualTimer) Stop() bool {
	t.v.mu.Lock()
	defer t.v.mu.Unlock()
	if _, ok := t.v.timers[t]; !ok {
		return false
	}
	delete(t.v.timers, t)
	t.under.Stop()
	return true
}
