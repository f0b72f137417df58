package clock

import (
	"context"
	"testing"
	"time"
)

func TestActivityWait(t *testing.T) {
	tests := []struct {
		name  string
		adds  []int
		ready bool // Wait returns at once
	}{
		{name: "nothing under way", ready: true},
		{name: "one piece", adds: []int{1}},
		{name: "finished", adds: []int{1, -1}, ready: true},
		{name: "handed on", adds: []int{1, 1, -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := NewActivity()
			for _, n := range tc.adds {
				a.Add(n)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := a.Wait(ctx)
			if tc.ready != (err == nil) {
				t.Errorf("Wait = %v, want ready %v (busy %d)", err, tc.ready, a.Busy())
			}
		})
	}
}

// TestActivityWaitWakes checks a waiter is released when the last piece finishes.
func TestActivityWaitWakes(t *testing.T) {
	a := NewActivity()
	a.Add(2)
	done := make(chan error, 1)
	go func() { done <- a.Wait(context.Background()) }()
	a.Done()
	select {
	case err := <-done:
		t.Fatalf("Wait returned with one piece under way: %v", err)
	default:
	}
	a.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("Wait did not return once nothing was under way")
	}
}

func TestNilActivity(t *testing.T) {
	var a *Activity
	a.Add(1)
	a.Done()
	if a.Busy() != 0 || a.Wait(context.Background()) != nil {
		t.Error("a nil Activity counts nothing")
	}
}
