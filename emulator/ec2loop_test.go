package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// An emulator with nothing to simulate must not spin its EC2 loop: a pass that changes
// nothing used to wake the loop again at once, burning a core while idle.
func TestEC2LoopIdles(t *testing.T) {
	e, err := New(Config{Clock: clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, time.Hour) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := e.ec2.passes.Load(); n > 5 {
		t.Errorf("idle EC2 loop ran %d passes in 200 ms", n)
	}
}
