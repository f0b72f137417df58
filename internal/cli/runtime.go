package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/metadata"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// openRuntime connects the task runtime `up` was asked for. For Docker it checks the
// engine at once, so a missing engine is reported at start-up rather than when the
// first task runs.
func openRuntime(ctx context.Context, name string) (containers.Runtime, string, func(), error) {
	if name == "sim" {
		return sim.New(clock.Real{}, sim.Options{}), "", func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e, err := dockerrt.Connect(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w\n(start Docker, point DOCKER_HOST at it, or run without Docker: ecsmini up --runtime sim)", err)
	}
	info := e.Info()
	return e.Runtime(), info.Version + " at " + info.Host, func() { _ = e.Close() }, nil
}

// startAgent connects the task agent to the control plane: it first records as STOPPED
// the tasks a crashed ecsmini left behind and removes their containers, then runs
// tasks until ctx ends.
func startAgent(ctx context.Context, emu *emulator.Emulator, rt containers.Runtime, o upOptions, log *slog.Logger) (*agent.Agent, *endpoints, error) {
	ep := newEndpoints(rt, rt.Name() == "sim")
	a := agent.New(agent.Config{Runtime: rt, Clock: clock.Real{}, Store: emu, Region: o.region, Account: o.accountID,
		PauseImage: o.pauseImage, StateDir: o.stateDir, Endpoints: ep, Log: log})
	if err := ep.serve(metadata.NewHandler(a)); err != nil {
		return nil, nil, err
	}
	orphans, err := emu.StopOrphanedTasks("ecsmini stopped while the task ran; its containers were removed")
	if err != nil {
		return nil, nil, fmt.Errorf("recording tasks of the previous run: %w", err)
	}
	removed, err := a.RemoveLeftovers(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(orphans) > 0 || removed > 0 {
		log.Info("cleaned up after the previous run", "tasksStopped", len(orphans), "containersRemoved", removed)
	}
	if err := a.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("starting the task agent: %w", err)
	}
	emu.SetRunner(a)
	return a, ep, nil
}
