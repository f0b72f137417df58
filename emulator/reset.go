package emulator

import (
	"context"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
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
		e.st.Tasks.Ascend("", func(_ string, r *state.Task) bool {
			if r.Task.LastStatus != ecs.StatusStopped {
				live = append(live, r.Task.TaskArn)
			}
			return true
		})
		e.st.Services.Ascend("", func(k string, _ *state.Service) bool {
			services = append(services, k)
			return true
		})
		e.store.DeleteAll(tx)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	e.ctl.Reset(services)
	for _, arn := range live {
		host{e}.Nudge(arn)
	}
	e.loop.poke()
	return nil
}
