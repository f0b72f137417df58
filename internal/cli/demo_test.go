package cli

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The demo runs start to end on the simulated runtime: the stack, a rolling
// deployment, a Spot interruption and a retirement, each told from ECS's own events.
func TestDemoSim(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncBuffer
	if err := runDemo(ctx, demoOptions{runtime: "sim", pace: 0, port: 0, drive: newDrivenClock().driver()}, &out, true); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"== 1.", "created service web", "has reached a steady state",
		"== 2.", "updated service web (demo-web:2",
		"== 3.", "SpotInterruption (Your Spot Task was interrupted.)",
		"== 4.", "ECS is performing maintenance on the underlying infrastructure hosting the task",
		"== 5.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo did not say %q:\n%s", want, out.String())
		}
	}
}
