package runtimetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// defaultLabel is the suite label when Harness.Label is empty.
const defaultLabel = "ecsmini.test/runtimetest"

// SuiteLabels is the label set the suite puts on every container and network it
// creates: Harness.Label as "key=value", or as a key with value "true" when it has no
// "=". An implementation lists these after Run to check that nothing is left behind.
func (h Harness) SuiteLabels() map[string]string {
	l := h.Label
	if l == "" {
		l = defaultLabel
	}
	if k, v, ok := strings.Cut(l, "="); ok {
		return map[string]string{k: v}
	}
	return map[string]string{l: "true"}
}

func (h Harness) within() time.Duration {
	if h.Within <= 0 {
		return 5 * time.Second
	}
	return h.Within
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// uniqueName is a container or network name no other case (or concurrent run of the
// suite against the same engine) uses, readable enough to trace back to the test.
func uniqueName(t *testing.T, suffix string) string {
	base := unsafeName.ReplaceAllString(strings.ToLower(t.Name()), "-")
	if len(base) > 40 {
		base = base[len(base)-40:]
	}
	return fmt.Sprintf("ecsmini-rtt-%08x-%s-%s", rand.Uint32(), strings.Trim(base, "-."), suffix)
}

// newSpec asks the harness for a spec behaving as b, adds the suite's labels and
// registers nothing (see create).
func newSpec(t *testing.T, h Harness, suffix string, b Behaviour) containers.Spec {
	t.Helper()
	spec := h.Spec(uniqueName(t, suffix), b)
	labels := make(map[string]string, len(spec.Labels)+2)
	for k, v := range spec.Labels {
		labels[k] = v
	}
	for k, v := range h.SuiteLabels() {
		labels[k] = v
	}
	labels["ecsmini.test/case"] = unsafeName.ReplaceAllString(t.Name(), "_")
	spec.Labels = labels
	return spec
}

// create creates spec and removes the container when the test ends.
func create(t *testing.T, rt containers.Runtime, spec containers.Spec) string {
	t.Helper()
	id, err := rt.Create(t.Context(), spec)
	if err != nil {
		t.Fatalf("Create(%s): %v", spec.Name, err)
	}
	t.Cleanup(func() { removeQuietly(t, rt, id) })
	return id
}

// run creates and starts spec, removing it at the end of the test.
func run(t *testing.T, rt containers.Runtime, spec containers.Spec) string {
	t.Helper()
	id := create(t, rt, spec)
	if err := rt.Start(t.Context(), id); err != nil {
		t.Fatalf("Start(%s): %v", spec.Name, err)
	}
	return id
}

func removeQuietly(t *testing.T, rt containers.Runtime, id string) {
	// t.Context is already cancelled in cleanups.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rt.Remove(ctx, id); err != nil {
		t.Errorf("cleanup: Remove(%s): %v", id, err)
	}
}

func inspect(t *testing.T, rt containers.Runtime, id string) containers.State {
	t.Helper()
	st, err := rt.Inspect(t.Context(), id)
	if err != nil {
		t.Fatalf("Inspect(%s): %v", id, err)
	}
	return st
}

// eventually polls cond until it holds or the harness's real-time allowance (Within)
// is spent. It never moves the runtime's time: callers use h.Wait for that first, so
// the sim (whose time only moves in Wait) and Docker (whose time is real) agree.
func eventually(t *testing.T, h Harness, what string, cond func() bool) {
	t.Helper()
	if !poll(h.within(), cond) {
		t.Fatalf("%s: not true within %v (real time) after waiting", what, h.within())
	}
}

// eventuallyAfter is eventually for conditions that follow a call made in another
// goroutine (Stop): if cond does not hold, it lets up to slack more runtime time pass in
// steps, since that goroutine may have made its call after the Wait began.
func eventuallyAfter(t *testing.T, h Harness, slack time.Duration, what string, cond func() bool) {
	t.Helper()
	for range 4 {
		if poll(h.within()/4, cond) {
			return
		}
		h.Wait(slack / 4)
	}
	eventually(t, h, what, cond)
}

// poll is deliberately on real time: Within bounds how long the test is willing to wait
// for the implementation, not the runtime's own clock.
func poll(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle gives a call just started in another goroutine a moment of real time to reach
// the runtime before the test moves time.
func settle(h Harness) { time.Sleep(min(h.within()/20, 200*time.Millisecond)) }

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want one matching %q", what, err, want)
	}
}

// recorder subscribes to a runtime's events for the whole test.
type recorder struct {
	mu     sync.Mutex
	events []containers.Event
	err    error
}

func record(t *testing.T, rt containers.Runtime) *recorder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	events, errs := rt.Events(ctx)
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		}
		if err, ok := <-errs; ok && err != nil && !errors.Is(err, context.Canceled) {
			r.mu.Lock()
			r.err = err
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		if r.err != nil {
			t.Errorf("event stream failed: %v", r.err)
		}
	})
	return r
}

// find returns the index of the first event for id matching kind and match, or -1.
func (r *recorder) find(id string, kind containers.EventKind, match func(containers.Event) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.events {
		if e.ID == id && e.Kind == kind && (match == nil || match(e)) {
			return i
		}
	}
	return -1
}

func (r *recorder) waitFor(t *testing.T, h Harness, id string, kind containers.EventKind, match func(containers.Event) bool) int {
	t.Helper()
	i := -1
	eventually(t, h, fmt.Sprintf("event %s for %.12s", kind, id), func() bool {
		i = r.find(id, kind, match)
		return i >= 0
	})
	return i
}
