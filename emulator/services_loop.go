package emulator

import (
	"sort"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// controller is the service control loop's bookkeeping: which services must be planned
// again (dirty: an API call or one of their tasks changed), when time alone will change
// a plan (wake), and which tasks belong to which service. A pass plans only the dirty
// and due services, so its cost follows what changed, not how many tasks exist.
type controller struct {
	mu    sync.Mutex
	dirty map[string]bool
	wake  map[string]time.Time
	loop  *loop
	// members maps a service key to the store keys of its tasks that the scheduler has
	// not yet accounted for; built from the task table on the first pass.
	members map[string]map[string]bool
	indexed bool
	// defs caches decoded task definitions by ARN: revisions never change.
	defs map[string]*ecs.TaskDefinition
	lbs  loadBalancers
}

func newController(l *loop) *controller {
	return &controller{dirty: map[string]bool{}, wake: map[string]time.Time{}, loop: l,
		members: map[string]map[string]bool{}, defs: map[string]*ecs.TaskDefinition{}}
}

// markDirty asks for the service to be planned again soon.
func (c *controller) markDirty(serviceKey string) {
	c.mu.Lock()
	c.dirty[serviceKey] = true
	c.mu.Unlock()
	c.poke()
}

func (c *controller) poke() { c.loop.poke() }

// due takes the services to plan now: the dirty ones and those whose wake time passed.
func (c *controller) due(now time.Time) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.dirty))
	for k := range c.dirty {
		keys = append(keys, k)
	}
	clear(c.dirty)
	for k, t := range c.wake {
		if !t.After(now) {
			keys = append(keys, k)
			delete(c.wake, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func (c *controller) setWake(k string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.IsZero() {
		delete(c.wake, k)
		return
	}
	c.wake[k] = t
}

// nextWake is the earliest wake time, zero if none.
func (c *controller) nextWake() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next time.Time
	for _, t := range c.wake {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next
}

func (c *controller) addMember(service, task string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.members[service]
	if m == nil {
		m = map[string]bool{}
		c.members[service] = m
	}
	m[task] = true
}

func (c *controller) removeMember(service, task string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.members[service], task)
}

func (c *controller) memberKeys(service string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.members[service]))
	for k := range c.members[service] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// index builds the membership map from the stored tasks once, and marks every service
// dirty so that a restart re-plans them all.
func (e *Emulator) index() {
	c := e.ctl
	c.mu.Lock()
	done := c.indexed
	c.indexed = true
	c.mu.Unlock()
	if done {
		return
	}
	e.store.View(func() {
		e.tasks.Ascend("", func(k string, r *taskRecord) bool {
			if r.Service != "" && !r.Accounted {
				c.addMember(r.Service, k)
			}
			return true
		})
		e.services.Ascend("", func(k string, _ *serviceRecord) bool {
			c.mu.Lock()
			c.dirty[k] = true
			c.mu.Unlock()
			return true
		})
	})
}

// ReconcileServices plans and carries out every service that is dirty or due now, and
// returns the next time one is due (zero for none). The control loop calls it; tests
// call it directly to step the scheduler deterministically.
func (e *Emulator) ReconcileServices() (time.Time, error) {
	e.index()
	now := e.cfg.Clock.Now()
	for _, k := range e.ctl.due(now) {
		if err := e.reconcileService(k, now); err != nil {
			e.ctl.markDirty(k) // try again on the next pass
			return e.ctl.nextWake(), err
		}
	}
	return e.ctl.nextWake(), nil
}

// reapInactiveServices forgets services that have been INACTIVE for longer than ttl;
// DescribeServices then reports them MISSING, as ECS does once it purges them.
func (e *Emulator) reapInactiveServices(now time.Time, ttl time.Duration) error {
	return e.store.Update(func(tx *store.Tx) error {
		var doomed []string
		e.services.Ascend("", func(k string, r *serviceRecord) bool {
			if r.Service.Status == ecs.ServiceInactive && r.InactiveAt != nil && now.Sub(*r.InactiveAt) >= ttl {
				doomed = append(doomed, k)
			}
			return true
		})
		for _, k := range doomed {
			e.services.Delete(tx, k)
		}
		return nil
	})
}
