package tasksetctl

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Host is what the task set reconciler asks of the rest of the control plane: the
// same task making and agent calls the services reconciler uses.
type Host interface {
	// NewTask is a new task of td as RunTask would make it (not yet admitted).
	NewTask(sc ecs.Scope, c *ecs.Cluster, td *ecs.TaskDefinition, in *ecs.RunTaskInput, launch, provider string) *ecs.Task
	// Quotas are the Fargate vCPU quotas admission holds new tasks to.
	Quotas() admission.FargateQuotas
	// Launch hands recorded tasks to the agent; Nudge tells it a desired status changed.
	Launch(taskARNs ...string)
	Nudge(taskARN string)
	// ServiceAction publishes an ECS Service Action event (TASKSET_STEADY_STATE).
	ServiceAction(s *ecs.Service, eventType, eventName, reason string, capacityProviders ...string)
}

// Targets are the local load balancers, as the services reconciler keeps them (one
// per target group); k is the service key, lbs a task set's load balancers.
type Targets interface {
	RegisterTargets(k string, lbs []ecs.LoadBalancer, t *ecs.Task)
	DeregisterTargets(k string, lbs []ecs.LoadBalancer, t *ecs.Task)
	TargetsDrained(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool
	TargetsUnregistered(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool
	TargetsHealthy(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool
}

// Ctl is the task set reconciler.
type Ctl struct {
	st   *state.State
	host Host
	lbs  Targets
	rnd  *admission.Random
}

// New is the task set reconciler of st, placing EC2 tasks with rnd.
func New(st *state.State, host Host, lbs Targets, rnd *admission.Random) *Ctl {
	return &Ctl{st: st, host: host, lbs: lbs, rnd: rnd}
}

// Pass is what one pass over a service tells the services reconciler.
type Pass struct {
	Wake     time.Time
	Forget   []string // member task keys accounted for
	Started  []string // task keys of the tasks started: new members
	Released bool     // the service became INACTIVE
}

// Reconcile carries out one pass over the task set service k, whose unaccounted
// tasks are members: each task set is brought to its computed desired count, its
// RUNNING tasks become targets of its load balancers, a CODE_DEPLOY replacement takes
// the production traffic once it is ready, and a deleted service ends.
func (c *Ctl) Reconcile(k string, now time.Time, members []string) (Pass, error) {
	var pass Pass
	var launched, nudged, steady []string
	var svc *ecs.Service
	err := c.st.Store.Update(func(tx *store.Tx) error {
		old, ok := c.st.Services.Get(k)
		if !ok || old.Service.Status == ecs.ServiceInactive {
			pass.Forget = members
			return nil
		}
		r := old.Clone()
		x := &sweep{ctl: c, tx: tx, k: k, r: r, now: now, tasks: map[string]*state.Task{}}
		for _, tk := range members {
			tr, ok := c.st.Tasks.Get(tk)
			if !ok {
				pass.Forget = append(pass.Forget, tk)
				continue
			}
			x.tasks[tk] = tr
		}
		pass.Forget = append(pass.Forget, x.account()...)
		x.shift()
		for i := range r.TaskSets {
			resize(&r.TaskSets[i], x.desired(), now)
		}
		x.register()
		x.drain()
		for i := range r.TaskSets {
			x.scale(&r.TaskSets[i])
		}
		x.orphans()
		for i := range r.TaskSets {
			x.count(&r.TaskSets[i])
		}
		x.forgetDrained()
		x.pending()
		if r.Service.Status == ecs.ServiceDraining && x.live() == 0 {
			r.Service.Status = ecs.ServiceInactive
			at := now
			r.InactiveAt = &at
			r.TaskSets = nil
			pass.Released = true
		}
		if !reflect.DeepEqual(old, r) {
			c.st.Services.Put(tx, k, r)
		}
		launched, nudged, pass.Wake, pass.Started = x.launched, x.nudged, x.wake, x.started
		steady, svc = x.steady, r.Service
		return nil
	})
	if err != nil {
		return Pass{}, fmt.Errorf("task sets of service %s: %w", state.LastPart(k), err)
	}
	c.host.Launch(launched...)
	for _, arn := range nudged {
		c.host.Nudge(arn)
	}
	for _, set := range steady {
		c.host.ServiceAction(svc, "INFO", "TASKSET_STEADY_STATE", "(taskSet "+set+") has reached a steady state.")
	}
	return pass, nil
}

// sweep is one pass over one service, inside one store transaction.
type sweep struct {
	ctl   *Ctl
	tx    *store.Tx
	k     string
	r     *state.Service
	now   time.Time
	tasks map[string]*state.Task // the service's unaccounted tasks by store key

	launched, nudged []string
	started          []string // keys of the tasks started
	steady           []string // task sets that reached a steady state
	wake             time.Time
}

// desired is the service's desiredCount, zero while it is being deleted.
func (x *sweep) desired() int {
	if x.r.Service.Status != ecs.ServiceActive {
		return 0
	}
	return x.r.Service.DesiredCount
}

func (x *sweep) wakeAt(t time.Time) {
	if x.wake.IsZero() || t.Before(x.wake) {
		x.wake = t
	}
}

func (x *sweep) put(tk string, tr *state.Task) {
	x.ctl.st.Tasks.Put(x.tx, tk, tr)
	x.tasks[tk] = tr
}

// event writes a service event in ECS's wording; naming the task set as ECS does for
// task set services: "(service NAME, taskSet ID) ...".
func (x *sweep) event(ev scheduler.Event, set string) {
	ev.Service = x.r.Service.ServiceName
	if set != "" {
		ev.Service += ", taskSet " + set
	}
	x.r.AddEvents(x.now, ev.Message())
}

// keysOf lists the task keys of a task set (all when set is ""), sorted, so that a
// pass is deterministic.
func (x *sweep) keysOf(set string, keep func(*state.Task) bool) []string {
	var out []string
	for tk, tr := range x.tasks {
		if (set == "" || tr.Task.StartedBy == set) && keep(tr) {
			out = append(out, tk)
		}
	}
	sort.Strings(out)
	return out
}

// account marks STOPPED tasks as counted and returns their keys.
func (x *sweep) account() []string {
	done := x.keysOf("", func(tr *state.Task) bool { return tr.Task.LastStatus == ecs.StatusStopped })
	for _, tk := range done {
		next := *x.tasks[tk]
		next.Accounted = true
		x.ctl.st.Tasks.Put(x.tx, tk, &next)
		delete(x.tasks, tk)
	}
	return done
}

func wanted(tr *state.Task) bool { return tr.Task.DesiredStatus == ecs.StatusRunning }

// live counts the tasks not yet STOPPED.
func (x *sweep) live() int { return len(x.tasks) }

// set is the task set of an id, nil if the service has none.
func (x *sweep) set(id string) *state.TaskSet {
	if i := x.r.FindTaskSet(id); i >= 0 {
		return &x.r.TaskSets[i]
	}
	return nil
}

// register adds the RUNNING tasks of each set that serves traffic to its load
// balancers (after the commit: it listens on ports).
func (x *sweep) register() {
	for _, ts := range x.r.TaskSets {
		if ts.Held || ts.Status == ecs.TaskSetDraining || len(ts.LoadBalancers) == 0 {
			continue
		}
		n := 0
		for _, tk := range x.keysOf(ts.ID, wanted) {
			t := x.tasks[tk].Task
			if t.LastStatus != ecs.StatusRunning || !x.ctl.lbs.TargetsUnregistered(x.k, ts.LoadBalancers, t) {
				continue
			}
			k, lbs := x.k, ts.LoadBalancers
			x.tx.AfterCommit(func() { x.ctl.lbs.RegisterTargets(k, lbs, t) })
			n++
		}
		if n > 0 {
			for _, l := range ts.LoadBalancers {
				x.event(scheduler.Event{Kind: scheduler.EventRegistered, Count: n, TargetGroup: l.TargetGroupArn}, ts.ID)
			}
		}
	}
}

// drain lets tasks whose targets finished draining stop.
func (x *sweep) drain() {
	for _, tk := range x.keysOf("", func(tr *state.Task) bool { return tr.Draining }) {
		tr := x.tasks[tk]
		var lbs []ecs.LoadBalancer
		if ts := x.set(tr.Task.StartedBy); ts != nil {
			lbs = ts.LoadBalancers
		}
		if tr.Task.LastStatus >= ecs.StatusStopping || x.ctl.lbs.TargetsDrained(x.k, lbs, tr.Task) {
			next := *tr
			next.Draining = false
			x.put(tk, &next)
			x.nudged = append(x.nudged, tr.Task.TaskArn)
			continue
		}
		x.wakeAt(x.now.Add(time.Second)) // look again while targets drain
	}
}

// scale starts or stops tasks of a set until it has its computed desired count.
func (x *sweep) scale(ts *state.TaskSet) {
	live := x.keysOf(ts.ID, wanted)
	switch n := ts.ComputedDesiredCount - len(live); {
	case n > 0:
		x.start(ts, n)
	case n < 0:
		// Scale in the tasks furthest from serving first, then the newest.
		sort.SliceStable(live, func(i, j int) bool {
			return x.tasks[live[i]].Task.LastStatus < x.tasks[live[j]].Task.LastStatus
		})
		x.stop(ts, live[:-n], fmt.Sprintf("Scaling activity initiated by (deployment %s)", ts.ID))
	}
}

// orphans stops tasks whose task set is gone.
func (x *sweep) orphans() {
	gone := x.keysOf("", func(tr *state.Task) bool { return wanted(tr) && x.set(tr.Task.StartedBy) == nil })
	if len(gone) > 0 {
		x.stop(nil, gone, "Task set deleted")
	}
}

// stop asks tasks to stop; a RUNNING target of the set's load balancers first drains.
func (x *sweep) stop(ts *state.TaskSet, keys []string, reason string) {
	var stopped []string
	draining := 0
	for _, tk := range keys {
		tr := x.tasks[tk]
		t := state.CloneTask(tr.Task)
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopServiceSchedulerInitiated, reason
		t.StoppingAt = ecs.At(x.now)
		t.Version++
		next := *tr
		next.Task = t
		if ts != nil && !ts.Held && len(ts.LoadBalancers) > 0 && t.LastStatus == ecs.StatusRunning {
			t.LastStatus = ecs.StatusDeactivating
			next.Draining = true
			k, lbs := x.k, ts.LoadBalancers
			x.tx.AfterCommit(func() { x.ctl.lbs.DeregisterTargets(k, lbs, t) })
			draining++
		} else {
			x.nudged = append(x.nudged, t.TaskArn)
		}
		if tr.Task.LastStatus == ecs.StatusRunning {
			stopped = append(stopped, t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:])
		}
		x.put(tk, &next)
	}
	set := ""
	if ts != nil {
		set = ts.ID
	}
	if len(stopped) > 0 {
		x.event(scheduler.Event{Kind: scheduler.EventStopped, Tasks: stopped}, set)
	}
	if draining > 0 {
		x.event(scheduler.Event{Kind: scheduler.EventDraining, Count: draining}, "")
		for _, l := range ts.LoadBalancers {
			x.event(scheduler.Event{Kind: scheduler.EventDeregistered, Count: draining, TargetGroup: l.TargetGroupArn}, set)
		}
		x.wakeAt(x.now.Add(time.Second))
	}
}

// count sets a task set's running and pending counts and its stability: STEADY_STATE
// once it runs its computed desired count with nothing pending or stopping.
func (x *sweep) count(ts *state.TaskSet) {
	running, pending, stopping := 0, 0, 0
	for _, tk := range x.keysOf(ts.ID, func(*state.Task) bool { return true }) {
		t := x.tasks[tk].Task
		switch {
		case t.DesiredStatus != ecs.StatusRunning:
			stopping++
		case t.LastStatus == ecs.StatusRunning:
			running++
		default:
			pending++
		}
	}
	if ts.RunningCount != running || ts.PendingCount != pending {
		ts.RunningCount, ts.PendingCount, ts.UpdatedAt = running, pending, ecs.At(x.now)
	}
	steady := running == ts.ComputedDesiredCount && pending == 0 && stopping == 0
	if steady && ts.StabilityStatus != ecs.TaskSetSteady && ts.Status != ecs.TaskSetDraining {
		x.event(scheduler.Event{Kind: scheduler.EventSteady}, ts.ID)
		x.steady = append(x.steady, ts.ID)
	}
	if steady {
		setStability(ts, ecs.TaskSetSteady, x.now)
	} else {
		setStability(ts, ecs.TaskSetStabilizing, x.now)
	}
}

// forgetDrained drops DRAINING task sets that have no task left.
func (x *sweep) forgetDrained() {
	kept := x.r.TaskSets[:0]
	for _, ts := range x.r.TaskSets {
		if ts.Status == ecs.TaskSetDraining && len(x.keysOf(ts.ID, func(*state.Task) bool { return true })) == 0 {
			continue
		}
		kept = append(kept, ts)
	}
	if len(kept) == 0 {
		kept = nil
	}
	x.r.TaskSets = kept
}
