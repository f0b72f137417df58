package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// An emulator with nothing to simulate must not spin its loop: a pass that changes
// nothing used to wake the loop again at once, burning a core while idle. Settle runs
// passes until nothing kicks the loop, so an idle emulator settles in one pass.
func TestLoopIdles(t *testing.T) {
	e, err := New(Config{Clock: clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.loop.passes.Load(); n != 1 {
		t.Errorf("an idle emulator settled in %d passes, want 1", n)
	}
}
