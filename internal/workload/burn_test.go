package workload

import (
	"context"
	"strings"
	"testing"
	"time"
)

// BurnCPU keeps a CPU busy for its duration and then stops, while the workload runs on.
func TestBurnCPUStops(t *testing.T) {
	exit := 400 * time.Millisecond
	out := &syncBuffer{}
	start := time.Now()
	if err := Run(context.Background(), Config{BurnCPU: 100 * time.Millisecond, ExitAfter: &exit, Signals: signals()}, out, out); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < exit {
		t.Fatalf("returned after %v, before --exit-after", took)
	}
	for _, want := range []string{"workload: burning one CPU for 100ms", "workload: stopped burning CPU"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
