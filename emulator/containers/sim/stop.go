package sim

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Stop signals the container and waits, on the clock, for it to exit: at once unless it
// ignores the signal, then killed (137) when timeout has passed. A container still in
// its start delay is stopped once started, as Docker serialises the two. Stopping a
// created or exited container is a no-op.
func (r *Runtime) Stop(ctx context.Context, id string, timeout time.Duration) error {
	r.mu.Lock()
	c, err := r.lookup(id)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	for c.starting {
		if err := r.park(ctx, c.started, &c.waitStart); err != nil {
			return fmt.Errorf("sim: stop %s: %w", id, err)
		}
		r.mu.Lock()
	}
	if c.status != containers.Running {
		r.mu.Unlock()
		return nil
	}
	exited := c.exited
	switch {
	case isKill(c.spec.StopSignal):
		r.exit(c, 137, false)
	case !c.beh.ignoreSIGTERM:
		r.exit(c, 0, false)
	case timeout <= 0:
		r.exit(c, 137, false)
	default:
		c.timers = append(c.timers, r.after(c, c.run, timeout, func() { r.exit(c, 137, false) }))
	}
	if err := r.park(ctx, exited, &c.waitExit); err != nil {
		return fmt.Errorf("sim: stop %s: %w", id, err)
	}
	return nil
}

func isKill(signal string) bool {
	s := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(signal)), "SIG")
	return s == "KILL" || s == "9"
}

// Remove kills a running container (137), cancels a pending start and forgets the
// container. An absent container is not an error.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return nil
	}
	switch {
	case c.starting:
		r.stopTimers(c)
		c.starting = false
		r.detach(c)
		r.wake(c.started, &c.waitStart)
	case c.status == containers.Running:
		r.exit(c, 137, false)
	}
	delete(r.byID, c.id)
	delete(r.byName, c.spec.Name)
	r.dropAnonymousVolumes(c.spec)
	close(c.gone)
	r.emit(c, containers.EventDestroy, nil)
	return nil
}
