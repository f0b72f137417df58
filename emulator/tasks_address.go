package emulator

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// ServiceConnect reports whether the task is of a deployment with Service Connect
// enabled (for the agent, which gives such a bridge-mode task a task network).
func (e *Emulator) ServiceConnect(taskARN string) bool {
	k, ok := taskKeyOf(taskARN)
	if !ok {
		return false
	}
	sc := false
	e.store.View(func() {
		if r, ok := e.tasks.Get(k); ok {
			sc = r.ServiceConnect
		}
	})
	return sc
}

// SetTaskAddress records where the other tasks reach a bridge-mode Service Connect
// task (state.Task.Address); the agent calls it once the task's network is up. The
// discovery tables pick it up with the next commit.
func (e *Emulator) SetTaskAddress(taskARN, addr string) error {
	k, ok := taskKeyOf(taskARN)
	if !ok {
		return ecs.InvalidParameter("Task Identifier is invalid")
	}
	return e.store.Update(func(tx *store.Tx) error {
		r, ok := e.tasks.Get(k)
		if !ok {
			return ecs.InvalidParameter("The referenced task was not found.")
		}
		if r.Address == addr {
			return nil
		}
		next := *r
		next.Address = addr
		e.tasks.Put(tx, k, &next)
		return nil
	})
}

// taskKeyOf is the store key of a task ARN.
func taskKeyOf(taskARN string) (string, bool) {
	a, ok := ecs.ParseARN(taskARN)
	cluster, id, ok2 := strings.Cut(a.Path(), "/")
	if !ok || !ok2 {
		return "", false
	}
	return state.TaskKey(a.Region, cluster, id), true
}
