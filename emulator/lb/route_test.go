package lb

import (
	"maps"
	"testing"
)

func TestSpreadsOverHealthyTargets(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	a, c := startBackend(t, "a"), startBackend(t, "c")
	registerHealthy(t, fake, b, a, c)
	if got, want := spread(t, b, 10), map[string]int{"a": 5, "c": 5}; !maps.Equal(got, want) {
		t.Errorf("requests per backend %v, want %v", got, want)
	}
}

func TestOnlyHealthyTargetsWhenAnyIs(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	a, c := startBackend(t, "a"), startBackend(t, "c")
	registerHealthy(t, fake, b, a)

	b.Register("c", c.addr) // initial: one good check so far
	settle(b)
	if got, want := spread(t, b, 4), map[string]int{"a": 4}; !maps.Equal(got, want) {
		t.Errorf("while c is initial: %v, want %v", got, want)
	}

	advance(fake, b, testInterval) // c healthy
	if got, want := spread(t, b, 4), map[string]int{"a": 2, "c": 2}; !maps.Equal(got, want) {
		t.Errorf("once c is healthy: %v, want %v", got, want)
	}

	// c goes down for two checks, then comes back: it stays unhealthy, and unused,
	// until two good checks, although it accepts connections again.
	c.stop()
	advance(fake, b, testInterval)
	advance(fake, b, testInterval)
	if got := b.Health("c"); got != StateUnhealthy {
		t.Fatalf("c is %s, want unhealthy", got)
	}
	c.listen(t, c.addr)
	if got, want := spread(t, b, 4), map[string]int{"a": 4}; !maps.Equal(got, want) {
		t.Errorf("while c is unhealthy: %v, want %v", got, want)
	}
}

func TestFailsOpenWhenNoTargetIsHealthy(t *testing.T) {
	tests := []struct {
		name   string
		checks int  // checks after the one at registration
		down   bool // backend down during the checks, back up afterwards
		want   State
	}{
		{name: "initial", checks: 0, want: StateInitial},
		{name: "unhealthy", checks: 1, down: true, want: StateUnhealthy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, b := newFakeLB(t, Config{})
			a := startBackend(t, "a")
			if tt.down {
				a.stop()
			}
			b.Register("a", a.addr)
			settle(b)
			for range tt.checks {
				advance(fake, b, testInterval)
			}
			if tt.down {
				a.listen(t, a.addr)
			}
			if got := b.Health("a"); got != tt.want {
				t.Fatalf("a is %s, want %s", got, tt.want)
			}
			if got, want := spread(t, b, 3), map[string]int{"a": 3}; !maps.Equal(got, want) {
				t.Errorf("requests %v, want %v", got, want)
			}
		})
	}
}

// TestDialFailureFallsThrough: a healthy target that refuses connections (the checker
// has not noticed yet) costs the client nothing, and does not by itself change health.
func TestDialFailureFallsThrough(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	a, c, d := startBackend(t, "a"), startBackend(t, "c"), startBackend(t, "d")
	registerHealthy(t, fake, b, a, c, d)
	a.stop()
	c.stop()
	if got, want := spread(t, b, 6), map[string]int{"d": 6}; !maps.Equal(got, want) {
		t.Errorf("requests per backend %v, want %v", got, want)
	}
	for _, id := range []string{"a", "c"} {
		if got := b.Health(id); got != StateHealthy {
			t.Errorf("%s is %s after refused connections, want healthy (until checked)", id, got)
		}
	}

	d.stop()
	if _, err := askNew(t, b); !isEnd(err) {
		t.Errorf("with every target down: err %v, want the connection closed", err)
	}
}

// TestNoTargets: a client connecting to an empty target group is closed at once.
func TestNoTargets(t *testing.T) {
	_, b := newFakeLB(t, Config{})
	if _, err := askNew(t, b); !isEnd(err) {
		t.Errorf("err %v, want the connection closed", err)
	}
}
