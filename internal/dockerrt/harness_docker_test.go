//go:build docker

package dockerrt

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/runtimetest"
)

// healthPort is where a container with a health check but no ServePort serves, so the
// probe has something to ask.
const healthPort = 8080

// dockerHarness runs the conformance suite on the real engine: behaviours become
// `ecsmini workload` flags in the test image, and time is real.
func dockerHarness() runtimetest.Harness {
	return runtimetest.Harness{
		New:          func(*testing.T) containers.Runtime { return readyEngine{testEngine} },
		Spec:         workloadSpec,
		MissingImage: "ecsmini-missing/never:latest",
		Wait:         time.Sleep,
		Within:       10 * time.Second,
		Label:        testLabelKey + "=" + testLabelValue,
	}
}

// workloadSpec is a spec for the test image that behaves as b.
func workloadSpec(name string, b runtimetest.Behaviour) containers.Spec {
	return containers.Spec{
		Name:   name,
		Image:  testImage,
		Cmd:    workloadArgs(b),
		Labels: withTestLabel(nil),
		Health: workloadHealth(b),
	}
}

// workloadArgs are the `ecsmini workload` arguments (after the image's /ecsmini
// entrypoint) for b; the flags are the workload command's documented contract.
func workloadArgs(b runtimetest.Behaviour) []string {
	args := []string{"workload"}
	if b.ExitAfter > 0 {
		args = append(args, "--exit-code", strconv.Itoa(b.ExitCode), "--exit-after", b.ExitAfter.String())
	}
	if b.IgnoreSIGTERM {
		args = append(args, "--ignore-sigterm")
	}
	if b.AllocateMiB > 0 {
		args = append(args, "--allocate-mb", strconv.Itoa(b.AllocateMiB))
	}
	for _, line := range b.Output {
		args = append(args, "--log", line)
	}
	if port := servePort(b); port != 0 {
		args = append(args, "--listen", fmt.Sprintf(":%d", port))
	}
	if b.Unhealthy {
		args = append(args, "--unhealthy")
	}
	return args
}

func servePort(b runtimetest.Behaviour) int {
	if b.ServePort == 0 && b.Health {
		return healthPort
	}
	return b.ServePort
}

// workloadHealth probes the workload's /health from inside the container: the image is
// FROM scratch, so the probe is ecsmini itself rather than curl.
func workloadHealth(b runtimetest.Behaviour) *containers.HealthCheck {
	if !b.Health {
		return nil
	}
	return &containers.HealthCheck{
		Test:     []string{"CMD", "/ecsmini", "workload", "probe", fmt.Sprintf("http://127.0.0.1:%d/health", servePort(b))},
		Interval: time.Second,
		Timeout:  time.Second,
		Retries:  2,
	}
}

// TestConformance runs the runtime conformance suite on the Docker Engine.
func TestConformance(t *testing.T) {
	runtimetest.Run(t, dockerHarness())
}

// readyEngine is the Engine with a Start that returns once the workload is running its
// own code. A process that Docker has started has not yet installed its signal
// handlers: the Go runtime and package initialisation come first (tens of ms on this
// machine's fuse-overlayfs), and a SIGTERM in that window exits 2 (Go's fallback when
// PID 1 cannot die of a signal) instead of being handled or ignored. The suite's
// Behaviour describes the program once it runs, so the harness waits for the
// workload's "workload: started" line, printed after its handlers are in place. The
// adapter itself does not wait: ECS does not either.
type readyEngine struct{ *Engine }

func (r readyEngine) Start(ctx context.Context, id string) error {
	if err := r.Engine.Start(ctx, id); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	logs, err := r.Logs(ctx, id, true)
	if err != nil {
		return fmt.Errorf("waiting for the workload to start: %w", err)
	}
	defer logs.Close()
	sc := bufio.NewScanner(logs)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "workload: started") {
			return nil
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("the workload in %s did not start within 10s", id)
	}
	return nil // exited before saying so (a crash shows in Inspect)
}
