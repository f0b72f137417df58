package fargate

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestInterruptionAtIsStableAndExponential(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	if got := InterruptionAt("a", t0, 0); !got.IsZero() {
		t.Fatalf("mean 0 interrupts at %v", got)
	}
	if a, b := InterruptionAt("task-1", t0, time.Hour), InterruptionAt("task-1", t0, time.Hour); !a.Equal(b) {
		t.Fatalf("the same task draws %v and %v", a, b)
	}
	// The mean over many tasks is the requested mean (within 5 %), and no delay is negative.
	const n = 20000
	var total time.Duration
	for i := range n {
		at := InterruptionAt(fmt.Sprintf("task-%d", i), t0, time.Hour)
		if at.Before(t0) {
			t.Fatalf("task-%d interrupted before it ran: %v", i, at)
		}
		total += at.Sub(t0)
	}
	if mean := total / n; math.Abs(float64(mean-time.Hour)) > 0.05*float64(time.Hour) {
		t.Fatalf("mean delay %v, want about 1h", mean)
	}
}

func TestRetirementWait(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    time.Duration
	}{{"0", 0}, {"7", 7 * 24 * time.Hour}, {"14", 14 * 24 * time.Hour}, {"", 7 * 24 * time.Hour}, {"3", 7 * 24 * time.Hour}} {
		if got := RetirementWait(tc.setting); got != tc.want {
			t.Errorf("RetirementWait(%q) = %v, want %v", tc.setting, got, tc.want)
		}
	}
}
