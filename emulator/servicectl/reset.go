package servicectl

import "time"

// Reset forgets the controller's per-service state (what to plan, when, the task
// membership index, rebuilt on the next pass) and releases the load balancers of the
// services given, after the emulator's state was reset.
func (ctl *Ctl) Reset(serviceKeys []string) {
	ctl.mu.Lock()
	ctl.dirty, ctl.wake = map[string]bool{}, map[string]time.Time{}
	ctl.members, ctl.indexed = map[string]map[string]bool{}, false
	ctl.plans = lastPlans{}
	ctl.mu.Unlock()
	for _, k := range serviceKeys {
		ctl.lbs.release(k)
	}
}
