package servicectl

import (
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// TaskSets reconciles the services whose tasks belong to task sets (the EXTERNAL and
// CODE_DEPLOY deployment controllers; package tasksetctl). The services reconciler
// keeps their membership index and dirty marks and hands each pass over such a
// service to it.
type TaskSets interface {
	// Reconcile carries out one pass over the service k whose unaccounted tasks are
	// members (store keys). It returns when the service is next due, the members it
	// accounted for, and whether the service became INACTIVE.
	Reconcile(k string, now time.Time, members []string) (TaskSetPass, error)
}

// TaskSetPass is what a task set pass tells the services reconciler.
type TaskSetPass struct {
	Wake     time.Time
	Forget   []string // member store keys accounted for
	Started  []string // store keys of the tasks the pass started: new members
	Released bool     // the service became INACTIVE: release its load balancers
}

// SetTaskSets connects the task set reconciler. Call it before the loop runs.
func (ctl *Ctl) SetTaskSets(ts TaskSets) { ctl.taskSets = ts }

// reconcileTaskSets hands a task set service's pass to the task set reconciler; it
// reports false for the other services.
func (ctl *Ctl) reconcileTaskSets(k string, now time.Time) (bool, error) {
	if ctl.taskSets == nil {
		return false, nil
	}
	uses := false
	ctl.st.Store.View(func() {
		r, ok := ctl.st.Services.Get(k)
		uses = ok && state.UsesTaskSets(r.Service)
	})
	if !uses {
		return false, nil
	}
	pass, err := ctl.taskSets.Reconcile(k, now, ctl.MemberKeys(k))
	if err != nil {
		return true, err
	}
	for _, tk := range pass.Started {
		ctl.addMember(k, tk)
	}
	for _, tk := range pass.Forget {
		ctl.removeMember(k, tk)
	}
	ctl.setWake(k, pass.Wake)
	if pass.Released {
		ctl.lbs.release(k)
	}
	return true, nil
}

// targetsOf is a stand-in service record whose load balancers are a task set's, so
// that the load balancer bookkeeping (kept per service) serves task sets too.
func targetsOf(serviceKey string, lbs []ecs.LoadBalancer) *state.Service {
	parts := strings.SplitN(serviceKey, "\x00", 3) // region, cluster, name
	if len(parts) != 3 {
		return &state.Service{Service: &ecs.Service{}}
	}
	sc := ecs.Scope{Region: parts[0]}
	return &state.Service{ClusterName: parts[1], Service: &ecs.Service{ServiceName: parts[2],
		ServiceArn: sc.ServiceARN(parts[1], parts[2]), LoadBalancers: lbs}}
}

// RegisterTargets adds a RUNNING task of the service k to the target groups lbs
// (starting their local balancers); call it after the commit that decided it.
func (ctl *Ctl) RegisterTargets(k string, lbs []ecs.LoadBalancer, t *ecs.Task) {
	ctl.lbs.register(targetsOf(k, lbs), t)
}

// DeregisterTargets starts draining a task's targets in lbs.
func (ctl *Ctl) DeregisterTargets(k string, lbs []ecs.LoadBalancer, t *ecs.Task) {
	ctl.lbs.deregister(targetsOf(k, lbs), t)
}

// TargetsDrained says every target of the task in lbs has drained.
func (ctl *Ctl) TargetsDrained(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool {
	return ctl.lbs.drained(targetsOf(k, lbs), t)
}

// TargetsUnregistered says RegisterTargets would add a target of the task.
func (ctl *Ctl) TargetsUnregistered(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool {
	return ctl.lbs.unregistered(targetsOf(k, lbs), t)
}

// TargetsHealthy says every target of the task in lbs is healthy.
func (ctl *Ctl) TargetsHealthy(k string, lbs []ecs.LoadBalancer, t *ecs.Task) bool {
	return ctl.lbs.health(targetsOf(k, lbs), t) == "healthy"
}
