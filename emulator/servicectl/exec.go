package servicectl

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// reconcileService observes one service, plans it (scheduler.PlanService) and carries
// the plan out in one commit; the runner hears of new and stopping tasks afterwards.
// It decides nothing the plan does not say (DESIGN principle 3).
func (ctl *Ctl) reconcileService(k string, now time.Time) error {
	if handled, err := ctl.reconcileTaskSets(k, now); handled {
		return err
	}
	var launched, nudged []string
	var wake time.Time
	var watch Watch // what the pass changed, for the event stream (events_emit.go)
	var sh shift    // the deployment strategy's traffic and hooks (strategy.go)
	var stored *state.Service
	var planned *scheduler.Plan
	released := false
	err := ctl.st.Store.Update(func(tx *store.Tx) error {
		old, ok := ctl.st.Services.Get(k)
		if !ok || old.Service.Status == ecs.ServiceInactive {
			return nil
		}
		r := old.Clone()
		view, tasks := ctl.serviceView(k, r, now)
		watch = ctl.host.WatchService(k, now, old, r, tasks)
		sh = ctl.shiftPass(k, r, &view, now)
		if sh.rolledBack {
			view.Deployments = deploymentViews(r)
		}
		plan := scheduler.PlanService(view)
		x := &execution{ctl: ctl, tx: tx, k: k, r: r, now: now, tasks: tasks}
		x.deployments(plan.Deployments)
		x.forget(plan.Forget)
		x.stop(plan.Stop)
		x.events(plan.Events...)
		x.start(&plan)
		x.settle()
		r.Throttle, r.Steady = plan.Throttle, plan.Steady
		if p := r.Primary(); p != nil {
			r.Service.TaskDefinition = p.TaskDefinition // a rollback makes an older one PRIMARY
		}
		x.drain()
		if r.Service.Status == ecs.ServiceDraining && len(x.tasks) == 0 {
			r.Service.Status = ecs.ServiceInactive
			at := now
			r.InactiveAt = &at
			for i := range r.Deployments {
				r.Deployments[i].Status = ecs.DeploymentInactive
			}
			released = true
		}
		ctl.host.SyncServiceDeployments(tx, r, now) // even when r is unchanged: a stop request moves on
		if !reflect.DeepEqual(old, r) {             // a pass that changes nothing journals nothing
			ctl.st.Services.Put(tx, k, r)
		}
		launched, nudged, wake, stored, planned = x.launched, x.nudged, plan.Wake, r, &plan
		watch.Written(x.written)
		for _, t := range []time.Time{x.drainWake, sh.wake} {
			if !t.IsZero() && (wake.IsZero() || t.Before(wake)) {
				wake = t
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("service %s: %w", state.LastPart(k), err)
	}
	if watch != nil {
		watch.Publish() // before the agent can report on the tasks started
	}
	ctl.setWake(k, wake)
	if planned != nil {
		ctl.recordPlan(k, *planned, released)
	}
	if stored != nil && len(stored.Service.LoadBalancers) > 0 {
		ctl.lbs.applyShift(stored, sh)
	}
	if sh.call != nil {
		ctl.runHook(*sh.call)
	}
	if released {
		ctl.lbs.release(k)
	}
	ctl.host.Launch(launched...)
	for _, arn := range nudged {
		ctl.host.Nudge(arn)
	}
	return nil
}

// serviceView is what the planner knows of the service: its deployments and the tasks
// it has not yet accounted for.
func (ctl *Ctl) serviceView(k string, r *state.Service, now time.Time) (scheduler.ServiceView, map[string]*state.Task) {
	s := r.Service
	v := scheduler.ServiceView{Name: s.ServiceName, DesiredCount: s.DesiredCount, Throttle: r.Throttle, Steady: r.Steady, Now: now}
	if dc := s.DeploymentConfiguration; dc != nil {
		v.MinimumHealthyPercent, v.MaximumPercent = dc.MinimumHealthyPercent, dc.MaximumPercent
		if dc.DeploymentCircuitBreaker != nil {
			v.CircuitBreaker = *dc.DeploymentCircuitBreaker
		}
	}
	v.HealthCheckGracePeriod = time.Duration(ecs.Deref(s.HealthCheckGracePeriodSeconds)) * time.Second
	v.Deployments = deploymentViews(r)
	daemon := s.SchedulingStrategy == ecs.SchedulingDaemon
	if daemon {
		v.DesiredCount = ctl.daemonDesired(k, r)
		r.Service.DesiredCount = v.DesiredCount
	}
	states := ctl.instanceStates(k[:strings.LastIndexByte(k, 0)])
	tasks := map[string]*state.Task{}
	for _, tk := range ctl.MemberKeys(k) {
		tr, ok := ctl.st.Tasks.Get(tk)
		if !ok {
			ctl.removeMember(k, tk) // forgotten by the stopped-task reaper
			continue
		}
		tv := ctl.taskView(r, tr)
		if st := states[tr.Task.ContainerInstanceArn]; st == ecs.InstanceDraining && tr.Task.LastStatus != ecs.StatusStopped {
			if tr.Daemon {
				// A daemon task stays until the rest of its instance has drained; the EC2
				// loop stops it last (spec §5.3), and the plan sees it once STOPPED.
				continue
			}
			tv.InstanceDraining = true
		}
		tasks[tk] = tr
		v.Tasks = append(v.Tasks, tv)
	}
	if states != nil {
		ctl.rankScaleIn(k, r, &v, tasks)
	}
	return v, tasks
}

// taskView reads one task for the planner.
func (ctl *Ctl) taskView(r *state.Service, tr *state.Task) scheduler.TaskView {
	t := tr.Task
	tv := scheduler.TaskView{ARN: t.TaskArn, DeploymentID: t.StartedBy, LastStatus: t.LastStatus,
		DesiredStatus: t.DesiredStatus, Health: t.HealthStatus, StartedAt: tsTime(t.StartedAt)}
	if td := ctl.defByARN(t.TaskDefinitionArn); td != nil {
		for _, cd := range td.ContainerDefinitions {
			tv.HasHealthCheck = tv.HasHealthCheck || (cd.HealthCheck != nil && cd.IsEssential())
		}
	}
	if tr.ProtectedUntil != nil && r.Service.Status == ecs.ServiceActive {
		tv.ProtectedUntil = *tr.ProtectedUntil
	}
	if tr.RetireAt != nil {
		tv.RetireAt = *tr.RetireAt
	}
	if t.LastStatus == ecs.StatusStopped {
		tv.FailedToStart, tv.FailedHealthCheck = scheduler.Outcome(t.StopCode, t.StartedAt != nil, tr.HealthStop)
	}
	if lbs := r.Service.LoadBalancers; len(lbs) > 0 && t.LastStatus == ecs.StatusRunning {
		tv.TargetGroup = lbs[0].TargetGroupArn
		tv.TargetHealth = ctl.lbs.health(r, t)
	}
	return tv
}

// defByARN returns a task definition revision, decoded once.
func (ctl *Ctl) defByARN(arn string) *ecs.TaskDefinition {
	ctl.mu.Lock()
	td, ok := ctl.defs[arn]
	ctl.mu.Unlock()
	if ok {
		return td
	}
	a, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	rec, ok := ctl.st.TaskDefs.Get(state.Key(a.Region, family, state.RevKey(n)))
	if !ok {
		return nil
	}
	td, err := rec.Decode()
	if err != nil {
		return nil
	}
	ctl.mu.Lock()
	ctl.defs[arn] = td
	ctl.mu.Unlock()
	return td
}

func tsTime(t *ecs.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

// deploymentViews is what the planner knows of the service's deployments.
func deploymentViews(r *state.Service) []scheduler.DeploymentView {
	var out []scheduler.DeploymentView
	for _, d := range r.Deployments {
		out = append(out, scheduler.DeploymentView{
			ID: d.ID, TaskDefinition: d.TaskDefinition, Status: d.Status, RolloutState: d.RolloutState,
			CreatedAt: tsTime(d.CreatedAt), UpdatedAt: tsTime(d.UpdatedAt), FailedTasks: d.FailedTasks, ReachedRunning: d.ReachedRunning, Rollback: d.Rollback,
			DesiredCount: d.DesiredCount, PendingCount: d.PendingCount, RunningCount: d.RunningCount,
		})
	}
	return out
}
