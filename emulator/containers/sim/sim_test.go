package sim_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/runtimetest"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const testImage = "ecsmini-demo:latest"

// harness runs the conformance suite on a fake clock; spec says how a Behaviour is
// written (labels or workload arguments).
func harness(spec func(string, runtimetest.Behaviour) containers.Spec) runtimetest.Harness {
	fake := clock.NewFake(epoch)
	h := runtimetest.Harness{
		Spec:         spec,
		MissingImage: "registry.invalid/ecsmini/missing:1",
		Wait:         fake.Advance,
		Within:       2 * time.Second,
		Label:        "ecsmini.test/sim=conformance",
	}
	h.New = func(t *testing.T) containers.Runtime {
		rt := sim.New(fake, sim.Options{})
		t.Cleanup(func() { assertEmpty(t, rt, h.SuiteLabels()) })
		return rt
	}
	return h
}

// assertEmpty checks that a case removed every container it made.
func assertEmpty(t *testing.T, rt containers.Runtime, labels map[string]string) {
	left, err := rt.List(context.Background(), labels)
	if err != nil || len(left) > 0 {
		t.Errorf("left behind: %d containers (%v)", len(left), err)
	}
}

func healthCheck(b runtimetest.Behaviour) *containers.HealthCheck {
	if !b.Health {
		return nil
	}
	return &containers.HealthCheck{
		Test:     []string{"CMD", "/ecsmini", "workload", "probe"},
		Interval: time.Second, Timeout: time.Second, Retries: 2,
	}
}

func labelSpec(name string, b runtimetest.Behaviour) containers.Spec {
	l := map[string]string{}
	if b.ExitAfter > 0 {
		l[sim.LabelExitAfter] = b.ExitAfter.String()
		l[sim.LabelExitCode] = strconv.Itoa(b.ExitCode)
	}
	if b.IgnoreSIGTERM {
		l[sim.LabelIgnoreSIGTERM] = "true"
	}
	if b.AllocateMiB > 0 {
		l[sim.LabelAllocateMiB] = strconv.Itoa(b.AllocateMiB)
	}
	if b.Unhealthy {
		l[sim.LabelHealth] = "unhealthy"
	}
	if len(b.Output) > 0 {
		l[sim.LabelOutput] = strings.Join(b.Output, "\n")
	}
	return containers.Spec{Name: name, Image: testImage, Labels: l, Health: healthCheck(b)}
}

// workloadSpec writes the behaviour as Docker's harness would, as `ecsmini workload`
// arguments, so both runtimes read the same task definitions alike.
func workloadSpec(name string, b runtimetest.Behaviour) containers.Spec {
	args := []string{"workload"}
	if b.ExitAfter > 0 {
		args = append(args, "--exit-code", strconv.Itoa(b.ExitCode), "--exit-after="+b.ExitAfter.String())
	}
	if b.IgnoreSIGTERM {
		args = append(args, "--ignore-sigterm")
	}
	if b.AllocateMiB > 0 {
		args = append(args, "-allocate-mb", strconv.Itoa(b.AllocateMiB))
	}
	if b.Unhealthy {
		args = append(args, "--unhealthy")
	}
	for _, line := range b.Output {
		args = append(args, "--log", line)
	}
	if b.ServePort != 0 {
		args = append(args, "--listen", ":"+strconv.Itoa(b.ServePort))
	}
	return containers.Spec{Name: name, Image: testImage, Entrypoint: []string{"/ecsmini"}, Cmd: args, Health: healthCheck(b)}
}

func TestConformanceLabels(t *testing.T) { runtimetest.Run(t, harness(labelSpec)) }

func TestConformanceWorkloadArgs(t *testing.T) { runtimetest.Run(t, harness(workloadSpec)) }
