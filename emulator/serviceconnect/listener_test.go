package serviceconnect

import (
	"fmt"
	"testing"
	"time"
)

func TestAssignAddrs(t *testing.T) {
	names := []string{"api", "api.demo.local", "web", "db", "api"}
	got, err := AssignAddrs(names)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d addresses for 4 names: %v", len(got), got)
	}
	seen := map[string]string{}
	for name, a := range got {
		if !AliasPrefix.Contains(a) || a.As4()[3] == 0 || a.As4()[3] == 255 {
			t.Errorf("%s got %s, outside %s or a .0/.255", name, a, AliasPrefix)
		}
		if other, dup := seen[a.String()]; dup {
			t.Errorf("%s and %s share %s", name, other, a)
		}
		seen[a.String()] = name
	}
	// A name keeps its address when others come and go.
	again, _ := AssignAddrs([]string{"zz", "api"})
	if again["api"] != got["api"] {
		t.Errorf("api moved from %s to %s", got["api"], again["api"])
	}
	// Many names never collide.
	many := make([]string, 5000)
	for i := range many {
		many[i] = fmt.Sprintf("svc-%d.ns", i)
	}
	all, err := AssignAddrs(many)
	if err != nil || len(all) != len(many) {
		t.Fatalf("%d of %d: %v", len(all), len(many), err)
	}
	uniq := map[string]bool{}
	for _, a := range all {
		uniq[a.String()] = true
	}
	if len(uniq) != len(many) {
		t.Fatalf("only %d distinct addresses for %d names", len(uniq), len(many))
	}
}

func TestListenerTimeouts(t *testing.T) {
	zero, ten := 0, 10
	for _, tc := range []struct {
		name             string
		l                Listener
		idle, perRequest time.Duration
	}{
		{"tcp defaults", Listener{}, time.Hour, 0},
		{"http defaults", Listener{AppProtocol: "http"}, 5 * time.Minute, 15 * time.Second},
		{"grpc set", Listener{AppProtocol: "grpc", IdleTimeoutSeconds: &ten, PerRequestTimeoutSeconds: &ten}, 10 * time.Second, 10 * time.Second},
		{"http disabled", Listener{AppProtocol: "http2", IdleTimeoutSeconds: &zero, PerRequestTimeoutSeconds: &zero}, 0, 0},
		{"tcp ignores per-request", Listener{PerRequestTimeoutSeconds: &ten}, time.Hour, 0},
	} {
		if got := tc.l.IdleTimeout(); got != tc.idle {
			t.Errorf("%s: idle %v, want %v", tc.name, got, tc.idle)
		}
		if got := tc.l.PerRequestTimeout(); got != tc.perRequest {
			t.Errorf("%s: per-request %v, want %v", tc.name, got, tc.perRequest)
		}
	}
}

func TestPoolOrder(t *testing.T) {
	var p pool
	if got := p.order(3); got != nil {
		t.Fatalf("empty pool: %v", got)
	}
	p.set([]string{"a", "b", "c", "d"})
	for i, want := range [][]string{{"a", "b", "c"}, {"b", "c", "d"}, {"c", "d", "a"}, {"d", "a", "b"}, {"a", "b", "c"}} {
		if got := p.order(3); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("call %d: %v, want %v", i, got, want)
		}
	}
	p.set([]string{"x"})
	if got := p.order(3); fmt.Sprint(got) != "[x]" {
		t.Fatalf("one endpoint is tried once: %v", got)
	}
}

// Five failed connections within 30 s eject an endpoint for 30 s, unless it is the last.
func TestPoolEjectsOutliers(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := pool{now: func() time.Time { return now }}
	p.set([]string{"a", "b"})
	for range 4 {
		p.failed("a")
	}
	now = now.Add(31 * time.Second) // the four are too old to count now
	p.failed("a")
	if got := p.order(3); len(got) != 2 {
		t.Fatalf("a was ejected too early: %v", got)
	}
	for range 4 {
		p.failed("a")
	}
	for range 4 {
		if got := p.order(3); fmt.Sprint(got) != "[b]" {
			t.Fatalf("a ejected: want [b], got %v", got)
		}
	}
	for range 5 {
		p.failed("b")
	}
	if got := p.order(3); len(got) != 2 {
		t.Fatalf("all ejected: every endpoint is still tried, got %v", got)
	}
	now = now.Add(31 * time.Second)
	if got := p.order(3); len(got) != 2 {
		t.Fatalf("after 30 s both are back: %v", got)
	}
	p.set([]string{"b"})
	if len(p.failures) > 1 || len(p.ejected) > 1 {
		t.Fatalf("a gone from the endpoints must be forgotten: %v %v", p.failures, p.ejected)
	}
}
