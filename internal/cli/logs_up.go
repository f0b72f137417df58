package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

// logsDrain is how long the collector keeps copying after up's context ends, so the
// output of tasks stopping during shutdown is kept (runUp gives them 150 s).
const logsDrain = 150 * time.Second

// startLogs keeps every task container's output under <stateDir>/logs until ctx ends
// (plus logsDrain for containers still stopping), for /_ecsmini/logs to serve.
// Containers that start after it returns are collected; sink, if not nil, also
// receives every line.
// Followers of /_ecsmini/logs end with ctx, so pass up's own context: the API server's
// graceful shutdown then does not wait for them.
func startLogs(ctx context.Context, rt containers.Runtime, stateDir string, sink logs.Sink) (*logs.Collector, error) {
	dir := filepath.Join(stateDir, "logs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	c := logs.NewCollector(rt, dir, clock.Real{})
	c.Drain = logsDrain
	c.Logger = slog.Default()
	c.Sink = sink // awslogs containers' lines also go to CloudWatch Logs
	// Only this state directory's tasks: an `ecsmini agent` or another ecsmini on the
	// same engine keeps (and ships) its own.
	c.Only = map[string]string{agent.LabelStateDir: stateDir}
	ran := make(chan error, 1)
	go func() { ran <- c.Run(ctx) }()
	// Containers started once this returns are collected.
	select {
	case <-c.Ready():
	case err := <-ran:
		return nil, err
	}
	go func() {
		if err := <-ran; err != nil {
			c.Logger.Error("collecting task logs", "err", err)
		}
	}()
	return c, nil
}
