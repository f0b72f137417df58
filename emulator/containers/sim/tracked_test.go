package sim_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// A tracked stream's tokens all come back however it ends: events its consumer took are
// handed back by their Done, the failure of a stream that fell behind by the
// StreamError's, and what a stream ended by its consumer never delivered by the stream.
// A token left behind would make every later Settle wait forever.
func TestTrackedStreamGivesTokensBack(t *testing.T) {
	tests := []struct {
		name   string
		events int  // containers run, two events each
		read   bool // the consumer reads to the end, handling what it gets
		cancel bool // the consumer ends the stream without reading
	}{
		{name: "read", events: 3, read: true},
		{name: "fell behind", events: 100, read: true},
		{name: "ended unread", events: 3, cancel: true},
		{name: "ended unread after falling behind", events: 100, cancel: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			act := clock.NewActivity()
			rt := sim.New(clock.NewFake(epoch), sim.Options{EventBuffer: 10, Activity: act})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			events, errs := rt.TrackedEvents(ctx)
			for i := range tc.events {
				mustRun(t, rt, containers.Spec{Name: fmt.Sprint("c", i), Image: testImage})
			}
			if act.Busy() == 0 {
				t.Fatal("queued events hold no tokens")
			}
			if tc.cancel {
				cancel()
				for e := range events { // what was already sent is the consumer's
					e.Done()
				}
				containers.StreamErrorDone(<-errs)
			}
			if tc.read {
				fellBehind := tc.events > 10
				for i := 0; fellBehind || i < 2*tc.events; i++ { // a create and a start each
					e, ok := <-events
					if !ok {
						break
					}
					e.Done()
				}
				if fellBehind {
					err := <-errs
					var se *containers.StreamError
					if !errors.As(err, &se) {
						t.Fatalf("stream ended with %v, want a StreamError", err)
					}
					if act.Busy() != 1 {
						t.Errorf("%d tokens out before the failure was handled, want its one", act.Busy())
					}
					containers.StreamErrorDone(err)
				}
			}
			wait, stop := context.WithTimeout(t.Context(), 10*time.Second) // a hang, not a timing
			defer stop()
			if err := act.Wait(wait); err != nil {
				t.Errorf("%d tokens never given back", act.Busy())
			}
		})
	}
}
