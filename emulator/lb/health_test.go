package lb

import (
	"fmt"
	"testing"
)

// TestHealthTransitions walks one target through checks with its backend up or down.
func TestHealthTransitions(t *testing.T) {
	type step struct {
		up   bool  // backend listening during this check
		want State // state after the check
	}
	tests := []struct {
		name                 string
		healthy, unhealthy   int
		steps                []step
		wantReasonAfterSteps string
	}{
		{
			name: "defaults: two good checks to healthy, two bad to unhealthy, two good back",
			steps: []step{
				{true, StateInitial}, {true, StateHealthy},
				{false, StateHealthy}, {false, StateUnhealthy},
				{true, StateUnhealthy}, {true, StateHealthy},
			},
		},
		{
			name: "initial goes unhealthy after failed checks",
			steps: []step{
				{false, StateInitial}, {false, StateUnhealthy},
			},
			wantReasonAfterSteps: ReasonFailedHealthChecks,
		},
		{
			name: "a failure resets the run of successes",
			steps: []step{
				{true, StateInitial}, {false, StateInitial}, {true, StateInitial}, {true, StateHealthy},
			},
		},
		{
			name:      "thresholds 1 and 3",
			healthy:   1,
			unhealthy: 3,
			steps: []step{
				{true, StateHealthy}, {false, StateHealthy}, {false, StateHealthy},
				{false, StateUnhealthy}, {true, StateHealthy},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, b := newFakeLB(t, Config{HealthyThreshold: tt.healthy, UnhealthyThreshold: tt.unhealthy})
			be := startBackend(t, "a")
			up := true
			for i, s := range tt.steps {
				switch {
				case up && !s.up:
					be.stop()
				case !up && s.up:
					be.listen(t, be.addr)
				}
				up = s.up
				if i == 0 {
					b.Register("a", be.addr) // checked at once
					settle(b)
				} else {
					advance(fake, b, testInterval)
				}
				if got := b.Health("a"); got != s.want {
					t.Fatalf("after check %d (up=%v): %s, want %s", i+1, s.up, got, s.want)
				}
			}
			if tt.wantReasonAfterSteps != "" {
				if got := b.Targets()[0].Reason; got != tt.wantReasonAfterSteps {
					t.Errorf("reason %q, want %q", got, tt.wantReasonAfterSteps)
				}
			}
		})
	}
}

// TestRegisterIsIdempotent: a second Register neither resets health nor adds a check.
func TestRegisterIsIdempotent(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	be := startBackend(t, "a")
	registerHealthy(t, fake, b, be)
	pending := fake.Pending()
	b.Register("a", be.addr)
	if got := b.Health("a"); got != StateHealthy {
		t.Errorf("after re-register: %s, want healthy", got)
	}
	if got := fake.Pending(); got != pending {
		t.Errorf("pending timers %d, want %d", got, pending)
	}
	want := []TargetHealth{{ID: "a", Addr: be.addr, State: StateHealthy}}
	if got := b.Targets(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Targets() = %+v, want %+v", got, want)
	}
	if got := b.Health("nobody"); got != StateUnused {
		t.Errorf("unknown target: %s, want unused", got)
	}
}
