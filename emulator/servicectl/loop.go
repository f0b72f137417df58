package servicectl

import (
	"sort"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
)

// Host is what the services reconciler asks of the rest of the control plane.
type Host interface {
	// WatchService starts following one pass over a service for the event stream; the
	// watch publishes after the commit.
	WatchService(k string, now time.Time, old, r *state.Service, tasks map[string]*state.Task) Watch
	// NewTask is a new task of td as RunTask would make it (not yet admitted).
	NewTask(sc ecs.Scope, c *ecs.Cluster, td *ecs.TaskDefinition, in *ecs.RunTaskInput, launch, provider string) *ecs.Task
	// Quotas are the Fargate vCPU quotas admission holds new tasks to.
	Quotas() admission.FargateQuotas
	// Launch hands recorded tasks to the agent; Nudge tells it a desired status changed.
	Launch(taskARNs ...string)
	Nudge(taskARN string)
	// SyncServiceDeployments brings a service's deployment records up to date with it,
	// in the transaction about to store it.
	SyncServiceDeployments(tx *store.Tx, r *state.Service, now time.Time)
}

// Watch follows one service pass for the event stream.
type Watch interface {
	// Written records the events the pass wrote; Publish publishes what changed.
	Written(evs []scheduler.Event)
	Publish()
}

// Ctl is the services reconciler. Its bookkeeping: which services must be planned
// again (dirty: an API call or one of their tasks changed), when time alone will change
// a plan (wake), and which tasks belong to which service. A pass plans only the dirty
// and due services, so its cost follows what changed, not how many tasks exist.
type Ctl struct {
	st   *state.State
	host Host
	rnd  *admission.Random
	poke func() // asks the control loop for a pass

	mu    sync.Mutex
	dirty map[string]bool
	wake  map[string]time.Time
	// members maps a service key to the store keys of its tasks that the scheduler has
	// not yet accounted for; built from the task table on the first pass.
	members map[string]map[string]bool
	indexed bool
	// defs caches decoded task definitions by ARN: revisions never change.
	defs map[string]*ecs.TaskDefinition
	lbs  loadBalancers
	// plans keeps each service's last plan that acted on tasks (plans.go).
	plans lastPlans
	// taskSets passes the EXTERNAL and CODE_DEPLOY services (tasksets.go).
	taskSets TaskSets
	// hooks, alarms and act serve the deployment strategies (strategy.go).
	hooks  strategy.HookRunner
	alarms strategy.AlarmStates
	act    *clock.Activity
}

// New is the services reconciler of st, placing with rnd; poke asks the control loop
// for a pass.
func New(st *state.State, host Host, rnd *admission.Random, poke func()) *Ctl {
	ctl := &Ctl{st: st, host: host, rnd: rnd, poke: poke, dirty: map[string]bool{}, wake: map[string]time.Time{},
		members: map[string]map[string]bool{}, defs: map[string]*ecs.TaskDefinition{}}
	ctl.lbs.ctl = ctl
	return ctl
}

// MarkDirty asks for the service to be planned again soon.
func (ctl *Ctl) MarkDirty(serviceKey string) {
	ctl.mu.Lock()
	ctl.dirty[serviceKey] = true
	ctl.mu.Unlock()
	ctl.poke()
}

// Due takes the services to plan now: the dirty ones and those whose wake time passed.
func (ctl *Ctl) Due(now time.Time) []string {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	keys := make([]string, 0, len(ctl.dirty))
	for k := range ctl.dirty {
		keys = append(keys, k)
	}
	clear(ctl.dirty)
	for k, t := range ctl.wake {
		if !t.After(now) {
			keys = append(keys, k)
			delete(ctl.wake, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func (ctl *Ctl) setWake(k string, t time.Time) {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	if t.IsZero() {
		delete(ctl.wake, k)
		return
	}
	ctl.wake[k] = t
}

// nextWake is the earliest wake time, zero if none.
func (ctl *Ctl) nextWake() time.Time {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	var next time.Time
	for _, t := range ctl.wake {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next
}

func (ctl *Ctl) addMember(service, task string) {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	m := ctl.members[service]
	if m == nil {
		m = map[string]bool{}
		ctl.members[service] = m
	}
	m[task] = true
}

func (ctl *Ctl) removeMember(service, task string) {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	delete(ctl.members[service], task)
}

func (ctl *Ctl) MemberKeys(service string) []string {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	keys := make([]string, 0, len(ctl.members[service]))
	for k := range ctl.members[service] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// index builds the membership map from the stored tasks once, and marks every service
// dirty so that a restart re-plans them all.
func (ctl *Ctl) index() {
	ctl.mu.Lock()
	done := ctl.indexed
	ctl.indexed = true
	ctl.mu.Unlock()
	if done {
		return
	}
	ctl.st.Store.View(func() {
		ctl.st.Tasks.Ascend("", func(k string, r *state.Task) bool {
			if r.Service != "" && !r.Accounted {
				ctl.addMember(r.Service, k)
			}
			return true
		})
		ctl.st.Services.Ascend("", func(k string, _ *state.Service) bool {
			ctl.mu.Lock()
			ctl.dirty[k] = true
			ctl.mu.Unlock()
			return true
		})
	})
}

// Reconcile plans and carries out every service that is dirty or due now, and
// returns the next time one is due (zero for none). The control loop calls it; tests
// call it directly to step the scheduler deterministically.
func (ctl *Ctl) Reconcile() (time.Time, error) {
	ctl.index()
	now := ctl.st.Clock.Now()
	for _, k := range ctl.Due(now) {
		if err := ctl.reconcileService(k, now); err != nil {
			ctl.MarkDirty(k) // try again on the next pass
			return ctl.nextWake(), err
		}
	}
	return ctl.nextWake(), nil
}

// ReapInactive forgets services that have been INACTIVE for longer than ttl;
// DescribeServices then reports them MISSING, as ECS does once it purges them.
func (ctl *Ctl) ReapInactive(now time.Time, ttl time.Duration) error {
	return ctl.st.Store.Update(func(tx *store.Tx) error {
		var doomed []string
		ctl.st.Services.Ascend("", func(k string, r *state.Service) bool {
			if r.Service.Status == ecs.ServiceInactive && r.InactiveAt != nil && now.Sub(*r.InactiveAt) >= ttl {
				doomed = append(doomed, k)
			}
			return true
		})
		for _, k := range doomed {
			ctl.st.Services.Delete(tx, k)
		}
		return nil
	})
}

// DirtyCount is how many services wait to be planned (tests).
func (ctl *Ctl) DirtyCount() int {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	return len(ctl.dirty)
}

// CloseLoadBalancers stops every local load balancer (the loop's end).
func (ctl *Ctl) CloseLoadBalancers() { ctl.lbs.closeAll() }
