package sim

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
)

// container is one simulated container; all fields are guarded by Runtime.mu.
type container struct {
	id      string
	spec    containers.Spec // labels cloned at Create, never modified
	beh     behaviour
	imageID string

	status     containers.Status
	exitCode   int
	oomKilled  bool
	health     containers.Health
	failures   int // consecutive failed probes counted toward Retries
	createdAt  time.Time
	startedAt  time.Time
	finishedAt time.Time
	ports      []containers.PortBinding // resolved, held while running
	ips        map[string]string        // network → address, held while running
	logs       []string

	run      int           // incremented on every start, so stale timers recognise themselves
	starting bool          // Start waits out the start delay
	started  chan struct{} // closed when a delayed start ends (either way)
	exited   chan struct{} // closed when the current run ends; nil before the first start
	// waitStart and waitExit count the goroutines parked on started and exited, whose
	// activity tokens their closing hands back (see park).
	waitStart, waitExit int
	gone                chan struct{} // closed by Remove
	timers              []clock.Timer // pending one-off timers of the current run
	probe               clock.Timer   // the next health probe, re-armed by each probe
	// onExit are the log followers' wake-ups (logReader.WhenReadable) of the current
	// run, called when it ends.
	onExit []func()
}

// Create validates the spec and its behaviour and records a Created container.
func (r *Runtime) Create(ctx context.Context, spec containers.Spec) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if r.missing(spec.Image) {
		return "", fmt.Errorf("sim: create %s: no such image %s: %w", spec.Name, spec.Image, containers.ErrImageNotFound)
	}
	beh, err := parseBehaviour(spec)
	if err != nil {
		return "", fmt.Errorf("sim: create %s: %w", spec.Name, err)
	}
	spec.Labels = maps.Clone(spec.Labels)
	spec.Name = strings.TrimPrefix(spec.Name, "/")

	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.checkNetworkMode(spec); err != nil {
		return "", fmt.Errorf("sim: create %s: %w", spec.Name, err)
	}
	if _, taken := r.byName[spec.Name]; taken && spec.Name != "" {
		return "", fmt.Errorf("sim: create: name %q already in use: %w", spec.Name, containers.ErrConflict)
	}
	spec = r.mountVolumes(spec)
	c := &container{
		id:        r.newID("container", spec.Name),
		spec:      spec,
		beh:       beh,
		imageID:   imageID(spec.Image),
		createdAt: r.clock.Now(),
		gone:      make(chan struct{}),
	}
	if c.spec.Name == "" {
		c.spec.Name = "sim-" + c.id[:12]
	}
	r.byID[c.id] = c
	r.byName[c.spec.Name] = c
	r.emit(c, containers.EventCreate, nil)
	return c.id, nil
}

// Start reserves the container's ports and addresses (a taken port fails here), then
// runs it, after its start delay if it has one.
func (r *Runtime) Start(ctx context.Context, id string) error {
	r.mu.Lock()
	c, err := r.lookup(id)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	if c.status == containers.Running {
		r.mu.Unlock()
		return nil
	}
	if !c.starting {
		if err := r.attach(c); err != nil {
			r.mu.Unlock()
			return fmt.Errorf("sim: start %s: %w", c.spec.Name, err)
		}
		c.run++
		if c.beh.startDelay <= 0 {
			r.becomeRunning(c)
			r.mu.Unlock()
			return nil
		}
		c.starting, c.started = true, make(chan struct{})
		run := c.run
		c.timers = append(c.timers, r.clock.AfterFunc(c.beh.startDelay, func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			if c.run == run && c.starting {
				r.becomeRunning(c)
			}
		}))
	}
	started, gone := c.started, c.gone
	if err := r.park(ctx, started, &c.waitStart); err != nil {
		return fmt.Errorf("sim: start %s: %w", id, err)
	}
	// Remove closes started and gone under r.mu: look under it too, or a Start woken by
	// the one could miss the other.
	r.mu.Lock()
	removed := closed(gone)
	r.mu.Unlock()
	if removed {
		return fmt.Errorf("sim: start %s: removed while starting: %w", id, containers.ErrNotFound)
	}
	return nil
}

// becomeRunning starts a run: status, log output, health, and the timers of whatever
// the process will do by itself. Callers hold r.mu and have reserved resources.
func (r *Runtime) becomeRunning(c *container) {
	now := r.clock.Now()
	if c.starting {
		c.starting = false
		r.wake(c.started, &c.waitStart)
	}
	c.timers = nil
	c.status = containers.Running
	c.startedAt, c.finishedAt = now, time.Time{}
	c.exitCode, c.oomKilled, c.failures = 0, false, 0
	c.exited = make(chan struct{})
	c.logs = append(c.logs, c.beh.output...)
	c.health = containers.HealthNone
	if hasCheck(c.spec.Health) {
		c.health = containers.HealthStarting
	}
	r.emit(c, containers.EventStart, nil)

	run := c.run
	if c.beh.allocateMiB > 0 && c.spec.MemoryLimit > 0 && int64(c.beh.allocateMiB)<<20 > c.spec.MemoryLimit {
		c.timers = append(c.timers, r.after(c, run, OOMDelay, func() { r.exit(c, 137, true) }))
	}
	if c.health != containers.HealthNone {
		r.scheduleProbe(c, run)
	}
	if c.beh.exits {
		if c.beh.exitAfter == 0 {
			r.exit(c, c.beh.exitCode, false)
			return
		}
		c.timers = append(c.timers, r.after(c, run, c.beh.exitAfter, func() { r.exit(c, c.beh.exitCode, false) }))
	}
}

// after runs f under r.mu after d, unless the run it belongs to is over by then (a
// timer stopped too late, on the Real clock, must not touch the next run).
func (r *Runtime) after(c *container, run int, d time.Duration, f func()) clock.Timer {
	return r.clock.AfterFunc(d, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if c.run == run && c.status == containers.Running {
			f()
		}
	})
}

// exit ends the current run. Callers hold r.mu.
func (r *Runtime) exit(c *container, code int, oom bool) {
	if c.status != containers.Running {
		return
	}
	r.stopTimers(c)
	c.status, c.exitCode, c.oomKilled = containers.Exited, code, oom
	c.finishedAt = r.clock.Now()
	r.detach(c)
	if oom {
		r.emit(c, containers.EventOOM, nil)
	}
	r.emit(c, containers.EventDie, func(e *containers.Event) { e.ExitCode = code })
	r.wake(c.exited, &c.waitExit)
	for _, f := range c.onExit {
		f()
	}
	c.onExit = nil
}

func (r *Runtime) stopTimers(c *container) {
	for _, t := range c.timers {
		t.Stop()
	}
	if c.probe != nil {
		c.probe.Stop()
	}
	c.timers, c.probe = nil, nil
}

// Rename gives a container another name, as Docker's rename does.
func (r *Runtime) Rename(ctx context.Context, id, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name = strings.TrimPrefix(name, "/")
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return err
	}
	if other, taken := r.byName[name]; taken && other != c {
		return fmt.Errorf("sim: rename %s: name %q already in use: %w", id, name, containers.ErrConflict)
	}
	delete(r.byName, c.spec.Name)
	c.spec.Name = name
	r.byName[name] = c
	return nil
}
