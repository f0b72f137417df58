package sim_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

func newSim(t testing.TB) (*sim.Runtime, *clock.Fake) {
	fake := clock.NewFake(epoch)
	return sim.New(fake, sim.Options{}), fake
}

// A bad label or workload flag value is refused by Create with a message naming it.
func TestCreateRefusesBadBehaviour(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		cmd    []string
		want   string // in the error
	}{
		{"exit code not a number", map[string]string{sim.LabelExitCode: "three"}, nil, "ecsmini.sim/exit-code"},
		{"exit code out of range", map[string]string{sim.LabelExitCode: "256"}, nil, "outside 0..255"},
		{"exit-after not a duration", map[string]string{sim.LabelExitAfter: "5"}, nil, "ecsmini.sim/exit-after"},
		{"negative exit-after", map[string]string{sim.LabelExitAfter: "-1s"}, nil, "negative"},
		{"ignore-sigterm not a bool", map[string]string{sim.LabelIgnoreSIGTERM: "sometimes"}, nil, "ignore-sigterm"},
		{"allocate not a number", map[string]string{sim.LabelAllocateMiB: "lots"}, nil, "allocate-mib"},
		{"negative allocation", map[string]string{sim.LabelAllocateMiB: "-1"}, nil, "outside"},
		{"health word", map[string]string{sim.LabelHealth: "fine"}, nil, "healthy or unhealthy"},
		{"start delay", map[string]string{sim.LabelStartDelay: "soon"}, nil, "start-delay"},
		{"workload exit code", nil, []string{"workload", "--exit-code", "x"}, "--exit-code"},
		{"workload exit-after", nil, []string{"workload", "--exit-after=forever"}, "--exit-after"},
		{"workload allocate", nil, []string{"workload", "--allocate-mb", "-5"}, "--allocate-mb"},
		{"workload bool", nil, []string{"workload", "--ignore-sigterm=perhaps"}, "--ignore-sigterm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt, _ := newSim(t)
			_, err := rt.Create(t.Context(), containers.Spec{Name: "c", Image: testImage, Labels: tc.labels, Cmd: tc.cmd})
			if !errors.Is(err, sim.ErrBehaviour) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Create error %v, want ErrBehaviour mentioning %q", err, tc.want)
			}
		})
	}
}

// Workload arguments are read leniently and labels override them.
func TestBehaviourSources(t *testing.T) {
	tests := []struct {
		name     string
		spec     containers.Spec
		advance  time.Duration
		status   containers.Status
		exitCode int
		logs     string
	}{
		{
			name:    "flags after the workload word, unknown ones skipped",
			spec:    containers.Spec{Entrypoint: []string{"/ecsmini"}, Cmd: []string{"--verbose", "workload", "--frobnicate", "x", "-exit-code=4", "--exit-after", "1s", "--log", "a b", "--log=c"}},
			advance: time.Second, status: containers.Exited, exitCode: 4, logs: "a b\nc\n",
		},
		{
			name:    "no workload word: flags are not ours",
			spec:    containers.Spec{Cmd: []string{"server", "--exit-after", "1s"}},
			advance: time.Hour, status: containers.Running,
		},
		{
			name:    "labels win over flags",
			spec:    containers.Spec{Cmd: []string{"workload", "--exit-code", "4", "--exit-after", "1s"}, Labels: map[string]string{sim.LabelExitCode: "9", sim.LabelOutput: "x\ny\n"}},
			advance: time.Second, status: containers.Exited, exitCode: 9, logs: "x\ny\n",
		},
		{
			name:    "exit code without exit-after runs until stopped",
			spec:    containers.Spec{Labels: map[string]string{sim.LabelExitCode: "2"}},
			advance: time.Hour, status: containers.Running,
		},
		{
			name:   "exit-after 0s exits at start",
			spec:   containers.Spec{Labels: map[string]string{sim.LabelExitAfter: "0s", sim.LabelExitCode: "1"}},
			status: containers.Exited, exitCode: 1,
		},
		{
			name:    "allocation within the limit is no OOM",
			spec:    containers.Spec{MemoryLimit: 256 << 20, Labels: map[string]string{sim.LabelAllocateMiB: "128"}},
			advance: time.Minute, status: containers.Running,
		},
		{
			name:    "allocation without a limit is no OOM",
			spec:    containers.Spec{Cmd: []string{"workload", "--allocate-mb=4096"}},
			advance: time.Minute, status: containers.Running,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt, fake := newSim(t)
			tc.spec.Name, tc.spec.Image = "c", testImage
			id := mustRun(t, rt, tc.spec)
			fake.Advance(tc.advance)
			st, _ := rt.Inspect(t.Context(), id)
			if st.Status != tc.status || st.ExitCode != tc.exitCode {
				t.Errorf("status %v code %d, want %v %d", st.Status, st.ExitCode, tc.status, tc.exitCode)
			}
			if got := readLogs(t, rt, id); got != tc.logs {
				t.Errorf("logs %q, want %q", got, tc.logs)
			}
		})
	}
}

func mustRun(t testing.TB, rt *sim.Runtime, spec containers.Spec) string {
	t.Helper()
	id, err := rt.Create(t.Context(), spec)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := rt.Start(t.Context(), id); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return id
}

func readLogs(t *testing.T, rt *sim.Runtime, id string) string {
	t.Helper()
	r, err := rt.Logs(t.Context(), id, false)
	if err != nil {
		t.Fatalf("Logs: %v", err)
	}
	defer r.Close()
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
