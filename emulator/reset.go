package emulator

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Reset forgets all state in one transaction: every cluster, service, task, task
// definition, setting and the rest, as if ecsmini had just started on an empty state
// directory (`POST /_ecsmini/reset`, and moto's `POST /moto-api/reset`, for test suites
// that start each test from nothing). The agent, nudged for each task that was still
// live, finds it gone and removes its containers.
func (e *Emulator) Reset(context.Context) error {
	var live, services []string
	err := e.store.Update(func(tx *store.Tx) error {
		e.tasks.Ascend("", func(_ string, r *taskRecord) bool {
			if r.Task.LastStatus != ecs.StatusStopped {
				live = append(live, r.Task.TaskArn)
			}
			return true
		})
		e.services.Ascend("", func(k string, _ *serviceRecord) bool {
			services = append(services, k)
			return true
		})
		e.store.DeleteAll(tx)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	e.ctl.reset()
	for _, k := range services {
		e.ctl.lbs.release(k)
	}
	for _, arn := range live {
		e.nudge(arn)
	}
	e.loop.poke()
	return nil
}

// reset forgets the controller's per-service state (what to plan, when, and the task
// membership index, rebuilt on the next pass).
func (c *controller) reset() {
	c.mu.Lock()
	c.dirty, c.wake = map[string]bool{}, map[string]time.Time{}
	c.members, c.indexed = map[string]map[string]bool{}, false
	c.mu.Unlock()
}
