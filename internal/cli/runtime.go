package cli

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
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
// first task runs, and has maker build the images selfImages (ecsmini's own) on first
// need instead of pulling them. act, when set, is shared with the simulated runtime so
// a test can settle it.
func openRuntime(ctx context.Context, name string, clk clock.Clock, act *clock.Activity, maker dockerrt.ImageMaker, selfImages ...string) (containers.Runtime, string, func(), error) {
	if name == "sim" {
		return sim.New(clk, sim.Options{Activity: act}), "", func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e, err := dockerrt.Connect(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w (start Docker, point DOCKER_HOST at it, or run without Docker: ecsmini up --runtime sim)", err)
	}
	if maker != nil {
		e.MakeLocally(maker, selfImages...)
		// ecsmini's own helper image, when an older (or another) ecsmini built it, is
		// built again from this one. An image named by the user (--pause-image) is
		// taken as it is: it may be a binary built on purpose, for another machine.
		if build, err := selfBuild(); err == nil && slices.Contains(selfImages, DefaultImageTag) {
			e.MakeLocallyFrom(maker, build, DefaultImageTag)
		}
	}
	info := e.Info()
	return e.Runtime(), info.Version + " at " + info.Host, func() { _ = e.Close() }, nil
}

// startAgent connects the task agent to the control plane. Tasks a killed ecsmini left
// behind are adopted when their containers still run (found by their labels) and
// recorded as STOPPED otherwise; containers of this state directory that no task claims
// are removed. Then it runs tasks until ctx ends.
func startAgent(ctx context.Context, emu *emulator.Emulator, rt containers.Runtime, clk clock.Clock, o upOptions, log *slog.Logger, awslogs agent.AWSLogs, src taskSources) (*agent.Agent, *endpoints, error) {
	ep := newEndpoints(endpointsConfig{Runtime: rt, Simulated: rt.Name() == "sim", Discovery: emu})
	var _ agent.ServiceConnectStore = emu // bridge-mode Service Connect tasks get a task network
	a := agent.New(agent.Config{Runtime: rt, Clock: clk, Store: emu, Region: o.region, Account: o.accountID,
		PauseImage: o.pauseImage, StateDir: o.stateDir, Endpoints: ep, Secrets: src.secrets, Credentials: src.creds,
		RuntimeTime: runtimeTime(rt, clk), AWSLogs: awslogs, Log: log, Activity: o.drive.activity(),
		PausePool: pausePool(rt, o.pausePool)})
	adopt, live, err := findAdoptable(ctx, emu, rt)
	if err != nil {
		return nil, nil, err
	}
	// Before anything of the previous run is changed: when its containers' endpoint
	// port cannot be had again, ecsmini stops here with everything as it was.
	plan := portPlan{stateDir: o.stateDir, preferred: o.metadataPort, keepSaved: live}
	if err := ep.serveOn(metadata.NewHandler(a, metadata.WithProtection(emu)), plan); err != nil {
		return nil, nil, err
	}
	for _, network := range adoptedNetworks(adopt) {
		if err := ep.claim(ctx, network); err != nil {
			_ = ep.close() // the error that matters is err
			return nil, nil, fmt.Errorf("metadata endpoint: %w; free that port and start ecsmini again, or remove those tasks' containers with 'ecsmini down --state-dir %s'", err, o.stateDir)
		}
	}
	orphans, err := emu.StopOrphanedTasks("ecsmini stopped while the task ran and its containers are gone",
		func(arn string) bool { return adopt[arn] != nil })
	if err != nil {
		return nil, nil, fmt.Errorf("recording tasks of the previous run: %w", err)
	}
	removed, err := removeUnclaimed(ctx, rt, o.stateDir, adopt)
	if err != nil {
		return nil, nil, err
	}
	if len(orphans) > 0 || removed > 0 || len(adopt) > 0 {
		log.Info("picked up after the previous run", "tasksAdopted", len(adopt), "tasksStopped", len(orphans), "containersRemoved", removed)
	}
	if err := a.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("starting the task agent: %w", err)
	}
	emu.SetRunner(a)
	for arn, found := range adopt {
		a.Adopt(arn, found)
	}
	return a, ep, nil
}

// taskSources are the secrets and task role credentials ecsmini gives tasks: its own
// agent's and, over the agent endpoints, remote machines'.
type taskSources struct {
	secrets agent.SecretSource                                   // nil: none configured
	creds   func(time.Time, string, string) metadata.Credentials // nil: static test keys
}

// loadTaskSources reads --secrets-file and --credentials-file.
func loadTaskSources(o upOptions) (taskSources, error) {
	var src taskSources
	if o.secretsFile != "" {
		s, err := agent.LoadSecretsFile(o.secretsFile)
		if err != nil {
			return src, fmt.Errorf("--secrets-file: %w", err)
		}
		src.secrets = s
	}
	if o.credentialsFile != "" {
		c, err := loadCredentialsFile(o.credentialsFile, agent.StaticCredentials)
		if err != nil {
			return src, fmt.Errorf("--credentials-file: %w", err)
		}
		src.creds = c
	}
	return src, nil
}

// defaultPausePool is how many started pause containers `up` keeps warm per shape of
// awsvpc task network on Docker: one takes the start of a pause container (the slowest
// step of an awsvpc task) off the next task's way.
const defaultPausePool = 1

// pausePool is the agent's PausePool: none on the simulated runtime, where a pause
// container costs nothing to start.
func pausePool(rt containers.Runtime, n int) int {
	switch {
	case rt.Name() == "sim" || n < 0:
		return 0
	case n == 0:
		return defaultPausePool
	}
	return n
}

// findAdoptable finds, by their labels, the containers of the tasks a killed ecsmini
// left unfinished, keeping the tasks agent.Adoptable takes over; live reports whether
// any of their containers still runs (and so holds the endpoints' URIs).
func findAdoptable(ctx context.Context, emu *emulator.Emulator, rt containers.Runtime) (map[string][]containers.State, bool, error) {
	adopt := map[string][]containers.State{}
	live := false
	for _, arn := range emu.UnfinishedTasks() {
		found, err := agent.TaskContainers(ctx, rt, arn)
		if err != nil {
			return nil, false, fmt.Errorf("looking for the containers of %s: %w", arn, err)
		}
		if !agent.Adoptable(found) {
			continue
		}
		adopt[arn] = found
		for _, c := range found {
			live = live || c.Status == containers.Running
		}
	}
	return adopt, live, nil
}

// adoptedNetworks lists the runtime networks the running containers of adopted tasks
// are on (bridge, a cluster's awsvpc network), sorted: each reaches the endpoints on its
// gateway address.
func adoptedNetworks(adopt map[string][]containers.State) []string {
	seen := map[string]bool{}
	for _, found := range adopt {
		for _, c := range found {
			if c.Status != containers.Running {
				continue
			}
			for network := range c.IPAddresses {
				seen[network] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// runtimeTime maps the times the Docker engine reports (wall-clock) onto the emulator's
// clock, which 'ecsmini clock advance' may have moved ahead, by the clock's lead now
// (exact at --time-scale 1); the simulator already runs on that clock.
func runtimeTime(rt containers.Runtime, clk clock.Clock) func(time.Time) time.Time {
	if rt.Name() == "sim" {
		return nil
	}
	return func(t time.Time) time.Time { return t.Add(time.Until(clk.Now())) }
}

// removeUnclaimed removes the containers a previous ecsmini on this state directory
// left behind that no adopted task claims.
func removeUnclaimed(ctx context.Context, rt containers.Runtime, stateDir string, adopt map[string][]containers.State) (int, error) {
	left, err := rt.List(ctx, map[string]string{agent.LabelStateDir: stateDir})
	if err != nil {
		return 0, fmt.Errorf("listing leftover containers: %w", err)
	}
	claimed := map[string]bool{}
	for _, found := range adopt {
		for _, c := range found {
			claimed[c.ID] = true // a pooled pause container has no task labels
		}
	}
	n := 0
	for _, c := range left {
		if claimed[c.ID] {
			continue
		}
		if err := rt.Remove(ctx, c.ID); err != nil {
			return n, fmt.Errorf("removing leftover container %s: %w", c.Name, err)
		}
		n++
	}
	return n, nil
}
