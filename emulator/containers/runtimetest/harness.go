// Package runtimetest is the conformance suite of containers.Runtime: the behaviour the
// Docker adapter and the simulated runtime must share. Each implementation runs it from
// its own tests with a Harness that says how to express a Behaviour in that runtime (as
// `ecsmini workload` arguments for Docker, as labels for the simulator) and how time
// passes (real waiting for Docker, a fake clock for the simulator).
package runtimetest

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Behaviour is what a test container does, independent of the runtime.
type Behaviour struct {
	// ExitCode is the code the process exits with, after ExitAfter. ExitAfter 0 means it
	// runs until stopped.
	ExitCode  int
	ExitAfter time.Duration
	// IgnoreSIGTERM makes the process ignore the stop signal, so Stop must kill it.
	IgnoreSIGTERM bool
	// AllocateMiB makes the process allocate (and touch) this much memory after start;
	// with a smaller Spec.MemoryLimit the kernel OOM-kills it.
	AllocateMiB int
	// Unhealthy makes the container's health check fail; Health adds a health check.
	Health    bool
	Unhealthy bool
	// Output lines printed at start (on stdout).
	Output []string
	// ServePort, when non-zero, serves HTTP on this container port (GET / and /health).
	ServePort int
}

// Harness adapts the suite to one runtime.
type Harness struct {
	// New returns a fresh runtime; the suite removes everything it creates.
	New func(t *testing.T) containers.Runtime
	// Spec returns a spec (Image, Entrypoint/Cmd, Labels, Health as needed) for a
	// container named name that behaves as b. The suite adds its own labels and limits.
	Spec func(name string, b Behaviour) containers.Spec
	// MissingImage is an image reference that is neither present nor pullable.
	MissingImage string
	// Wait lets d of time pass: a real sleep for Docker, a fake-clock advance for the sim.
	Wait func(d time.Duration)
	// Within is the real time the suite allows a condition to become true after Wait has
	// moved time far enough (short for the sim, seconds for Docker).
	Within time.Duration
	// Label is put on everything the suite creates, so implementations can check that
	// nothing is left behind.
	Label string
}

// Run runs the whole conformance suite against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, h) })
	}
}

// cases is the suite, filled by the files of this package.
var cases []testCase

type testCase struct {
	name string
	run  func(t *testing.T, h Harness)
}
