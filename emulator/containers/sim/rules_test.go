package sim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

func TestMissingImageRule(t *testing.T) {
	rt := sim.New(clock.NewFake(epoch), sim.Options{
		MissingImages: []string{"private/app:1"},
		IsMissing:     func(ref string) bool { return ref == "decided:by-func" },
	})
	for ref, missing := range map[string]bool{
		"nginx":                       false,
		"public.ecr.aws/nginx:1.27":   false,
		"private/app:1":               true,
		"private/app:2":               false,
		"decided:by-func":             true,
		"ecsmini/missing-image":       true,
		"registry.invalid/app:1":      true,
		"registry.invalid:5000/app:1": true,
	} {
		_, err := rt.EnsureImage(t.Context(), ref)
		if got := errors.Is(err, containers.ErrImageNotFound); got != missing {
			t.Errorf("EnsureImage(%s): %v; want missing=%v", ref, err, missing)
		}
	}
	a, _ := rt.EnsureImage(t.Context(), "nginx")
	b, _ := rt.EnsureImage(t.Context(), "nginx:latest")
	if a.ID != b.ID {
		t.Errorf("nginx and nginx:latest are different images: %s, %s", a.ID, b.ID)
	}
}

// Start waits out the start delay on the clock; Remove during it cancels the start.
func TestStartDelay(t *testing.T) {
	rt, fake := newSim(t)
	spec := containers.Spec{Name: "slow", Image: testImage, Labels: map[string]string{sim.LabelStartDelay: "3s"}}
	id, _ := rt.Create(t.Context(), spec)
	done := make(chan error, 1)
	go func() { done <- rt.Start(t.Context(), id) }()
	waitPending(t, fake, 1)
	fake.Advance(2 * time.Second)
	if st, _ := rt.Inspect(t.Context(), id); st.Status != containers.Created {
		t.Fatalf("2s into a 3s start delay: %v, want created", st.Status)
	}
	fake.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Start: %v", err)
	}
	if st, _ := rt.Inspect(t.Context(), id); st.Status != containers.Running || !st.StartedAt.Equal(epoch.Add(3*time.Second)) {
		t.Errorf("after the delay: %v started %v, want running at +3s", st.Status, st.StartedAt)
	}

	spec.Name = "cancelled"
	id2, _ := rt.Create(t.Context(), spec)
	go func() { done <- rt.Start(t.Context(), id2) }()
	waitPending(t, fake, 1)
	if err := rt.Remove(t.Context(), id2); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("Start of a container removed while starting: %v, want ErrNotFound", err)
	}
}

// waitPending waits for a goroutine to arm n timers on fake.
func waitPending(t *testing.T, fake *clock.Fake, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.WaitPending(ctx, n); err != nil {
		t.Fatalf("%d timers pending, want %d: %v", fake.Pending(), n, err)
	}
}

func TestHealthRules(t *testing.T) {
	tests := []struct {
		name    string
		check   containers.HealthCheck
		labels  map[string]string
		advance time.Duration
		want    containers.Health
	}{
		{"defaults: healthy after 30s", containers.HealthCheck{Test: []string{"CMD", "probe"}}, nil, 30 * time.Second, containers.HealthHealthy},
		{"defaults: starting before 30s", containers.HealthCheck{Test: []string{"CMD", "probe"}}, nil, 29 * time.Second, containers.HealthStarting},
		{"defaults: unhealthy after 3 failures", containers.HealthCheck{Test: []string{"CMD-SHELL", "exit 1"}}, nil, 90 * time.Second, containers.HealthUnhealthy},
		{"2 of 3 failures still starting", containers.HealthCheck{Test: []string{"CMD", "false"}}, nil, 60 * time.Second, containers.HealthStarting},
		{"start period does not count failures", containers.HealthCheck{Test: []string{"CMD", "probe"}, Interval: time.Second, Retries: 1, StartPeriod: 10 * time.Second},
			map[string]string{sim.LabelHealth: "unhealthy"}, 9 * time.Second, containers.HealthStarting},
		{"counted after the start period", containers.HealthCheck{Test: []string{"CMD", "probe"}, Interval: time.Second, Retries: 1, StartPeriod: 10 * time.Second},
			map[string]string{sim.LabelHealth: "unhealthy"}, 10 * time.Second, containers.HealthUnhealthy},
		{"label healthy beats a failing command", containers.HealthCheck{Test: []string{"CMD", "false"}, Interval: time.Second},
			map[string]string{sim.LabelHealth: "healthy"}, time.Second, containers.HealthHealthy},
		{"NONE is no check", containers.HealthCheck{Test: []string{"NONE"}}, nil, time.Hour, containers.HealthNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt, fake := newSim(t)
			id := mustRun(t, rt, containers.Spec{Name: "c", Image: testImage, Health: &tc.check, Labels: tc.labels})
			fake.Advance(tc.advance)
			if st, _ := rt.Inspect(t.Context(), id); st.Health != tc.want {
				t.Errorf("health %v, want %v", st.Health, tc.want)
			}
		})
	}
}

func TestStopRules(t *testing.T) {
	tests := []struct {
		name    string
		spec    containers.Spec
		timeout time.Duration
		code    int
	}{
		{"SIGTERM exits 0", containers.Spec{}, time.Minute, 0},
		{"SIGKILL stop signal exits 137 at once", containers.Spec{StopSignal: "SIGKILL", Labels: map[string]string{sim.LabelIgnoreSIGTERM: "true"}}, time.Minute, 137},
		{"ignoring with no timeout is killed at once", containers.Spec{Labels: map[string]string{sim.LabelIgnoreSIGTERM: "1"}}, 0, 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt, _ := newSim(t)
			tc.spec.Name, tc.spec.Image = "c", testImage
			id := mustRun(t, rt, tc.spec)
			if err := rt.Stop(t.Context(), id, tc.timeout); err != nil {
				t.Fatal(err)
			}
			if st, _ := rt.Inspect(t.Context(), id); st.Status != containers.Exited || st.ExitCode != tc.code {
				t.Errorf("%v code %d, want exited %d", st.Status, st.ExitCode, tc.code)
			}
		})
	}
}

// Stop honours ctx; the kill still happens at the timeout.
func TestStopCancelled(t *testing.T) {
	rt, fake := newSim(t)
	id := mustRun(t, rt, containers.Spec{Name: "c", Image: testImage, Labels: map[string]string{sim.LabelIgnoreSIGTERM: "true"}})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := rt.Stop(ctx, id, 10*time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Stop with a cancelled ctx: %v", err)
	}
	fake.Advance(10 * time.Second)
	if st, _ := rt.Inspect(t.Context(), id); st.ExitCode != 137 {
		t.Errorf("after the timeout: %v code %d, want killed", st.Status, st.ExitCode)
	}
}

// An exited container starts again: a new run, new timers, the old ones dead.
func TestRestart(t *testing.T) {
	rt, fake := newSim(t)
	id := mustRun(t, rt, containers.Spec{Name: "c", Image: testImage, Labels: map[string]string{sim.LabelExitAfter: "10s", sim.LabelExitCode: "5"}})
	fake.Advance(4 * time.Second)
	if err := rt.Stop(t.Context(), id, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := rt.Start(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	fake.Advance(7 * time.Second) // the first run's exit timer would fire here
	if st, _ := rt.Inspect(t.Context(), id); st.Status != containers.Running {
		t.Fatalf("7s into the second run: %v, want running", st.Status)
	}
	fake.Advance(3 * time.Second)
	if st, _ := rt.Inspect(t.Context(), id); st.Status != containers.Exited || st.ExitCode != 5 {
		t.Errorf("10s into the second run: %v code %d, want exited 5", st.Status, st.ExitCode)
	}
}
