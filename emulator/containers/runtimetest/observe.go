package runtimetest

import (
	"bufio"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func init() {
	cases = append(cases,
		testCase{"HealthHealthy", func(t *testing.T, h Harness) { testHealth(t, h, false) }},
		testCase{"HealthUnhealthy", func(t *testing.T, h Harness) { testHealth(t, h, true) }},
		testCase{"Logs", testLogs},
		testCase{"ListByLabel", testListByLabel},
		testCase{"Stats", testStats},
	)
}

// testHealth shortens the harness's health check to a 1s interval and 2 retries, so a
// passing check turns healthy after about 1s and a failing one unhealthy after about 2s.
func testHealth(t *testing.T, h Harness, unhealthy bool) {
	rt := h.New(t)
	rec := record(t, rt)
	spec := newSpec(t, h, "checked", Behaviour{Health: true, Unhealthy: unhealthy, ServePort: 8080})
	if spec.Health == nil {
		t.Fatal("harness gave no health check for Behaviour.Health")
	}
	hc := *spec.Health
	hc.Interval, hc.Timeout, hc.Retries, hc.StartPeriod = time.Second, time.Second, 2, 0
	spec.Health = &hc
	id := run(t, rt, spec)

	if st := inspect(t, rt, id); st.Health != containers.HealthStarting {
		t.Errorf("right after Start: health %v, want starting", st.Health)
	}
	want, wait := containers.HealthHealthy, 1500*time.Millisecond
	if unhealthy {
		want, wait = containers.HealthUnhealthy, 2500*time.Millisecond
	}
	h.Wait(wait)
	eventually(t, h, "health "+want.String(), func() bool { return inspect(t, rt, id).Health == want })
	rec.waitFor(t, h, id, containers.EventHealth, func(e containers.Event) bool { return e.Health == want })
	if st := inspect(t, rt, id); st.Status != containers.Running {
		t.Errorf("health changed the status to %v; want running", st.Status)
	}
}

func testLogs(t *testing.T, h Harness) {
	rt := h.New(t)
	lines := []string{"hello from the conformance suite", "second line: 42"}
	id := run(t, rt, newSpec(t, h, "chatty", Behaviour{Output: lines}))

	eventually(t, h, "logs contain the output", func() bool {
		r, err := rt.Logs(t.Context(), id, false)
		if err != nil {
			t.Fatalf("Logs: %v", err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("reading logs: %v", err)
		}
		return containsInOrder(strings.Split(string(b), "\n"), lines)
	})

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r, err := rt.Logs(ctx, id, true)
	if err != nil {
		t.Fatalf("Logs(follow): %v", err)
	}
	defer r.Close()
	got := make(chan []string, 1)
	go func() {
		var seen []string
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			seen = append(seen, strings.TrimRight(sc.Text(), "\r"))
			if containsInOrder(seen, lines) {
				break
			}
		}
		got <- seen
	}()
	select {
	case seen := <-got:
		if !containsInOrder(seen, lines) {
			t.Errorf("followed logs %q, want them to contain %q", seen, lines)
		}
	case <-time.After(h.within()):
		t.Errorf("followed logs did not deliver the output within %v", h.within())
	}
}

// containsInOrder reports whether want appears in got in order (other lines, such as a
// program's own start-up messages, may come between).
func containsInOrder(got, want []string) bool {
	i := 0
	for _, line := range got {
		if i < len(want) && strings.TrimRight(line, "\r") == want[i] {
			i++
		}
	}
	return i == len(want)
}

func testListByLabel(t *testing.T, h Harness) {
	rt := h.New(t)
	group := uniqueName(t, "group")
	var want []string
	for i, started := range []bool{false, true} {
		spec := newSpec(t, h, "member"+string(rune('a'+i)), Behaviour{})
		spec.Labels["ecsmini.test/group"] = group
		if started {
			want = append(want, run(t, rt, spec))
		} else {
			want = append(want, create(t, rt, spec))
		}
	}
	other := newSpec(t, h, "outsider", Behaviour{})
	other.Labels["ecsmini.test/group"] = group + "-other"
	create(t, rt, other)

	states, err := rt.List(t.Context(), map[string]string{"ecsmini.test/group": group})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var got []string
	for _, st := range states {
		got = append(got, st.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("List by label: %v, want %v (one created, one running)", got, want)
	}
	both := map[string]string{"ecsmini.test/group": group}
	for k, v := range h.SuiteLabels() {
		both[k] = v
	}
	if states, err := rt.List(t.Context(), both); err != nil || len(states) != 2 {
		t.Errorf("List by two labels: %d containers, %v; want 2", len(states), err)
	}
}

func testStats(t *testing.T, h Harness) {
	rt := h.New(t)
	spec := newSpec(t, h, "measured", Behaviour{})
	spec.MemoryLimit = 64 << 20
	id := run(t, rt, spec)
	var s containers.Stats
	eventually(t, h, "memory usage reported", func() bool {
		var err error
		s, err = rt.Stats(t.Context(), id)
		if err != nil {
			t.Fatalf("Stats: %v", err)
		}
		return s.MemoryUsage > 0
	})
	if s.MemoryLimit == 0 || s.MemoryLimit > 64<<20 {
		t.Errorf("memory limit %d, want the 64 MiB limit", s.MemoryLimit)
	}
	if s.MemoryUsage > s.MemoryLimit {
		t.Errorf("memory usage %d above the limit %d", s.MemoryUsage, s.MemoryLimit)
	}
	if s.Read.IsZero() {
		t.Error("Stats.Read is zero")
	}
}
