package emulator

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// reconcileService observes one service, plans it (scheduler.PlanService) and carries
// the plan out in one commit; the runner hears of new and stopping tasks afterwards.
// It decides nothing the plan does not say (DESIGN principle 3).
func (e *Emulator) reconcileService(k string, now time.Time) error {
	var launched, nudged []string
	var wake time.Time
	var watch *serviceWatch // what the pass changed, for the event stream (events_emit.go)
	released := false
	err := e.store.Update(func(tx *store.Tx) error {
		old, ok := e.services.Get(k)
		if !ok || old.Service.Status == ecs.ServiceInactive {
			return nil
		}
		r := old.clone()
		view, tasks := e.serviceView(k, r, now)
		watch = e.watchService(k, now, old, r, tasks)
		plan := scheduler.PlanService(view)
		x := &execution{e: e, tx: tx, k: k, r: r, now: now, tasks: tasks}
		x.deployments(plan.Deployments)
		x.forget(plan.Forget)
		x.stop(plan.Stop)
		x.events(plan.Events...)
		x.start(plan.Start)
		x.settle()
		r.Throttle, r.Steady = plan.Throttle, plan.Steady
		if p := r.primary(); p != nil {
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
		e.syncServiceDeployments(tx, r, now) // even when r is unchanged: a stop request moves on
		if !reflect.DeepEqual(old, r) {      // a pass that changes nothing journals nothing
			e.services.Put(tx, k, r)
		}
		launched, nudged, wake = x.launched, x.nudged, plan.Wake
		watch.written = x.written
		if t := x.drainWake; !t.IsZero() && (wake.IsZero() || t.Before(wake)) {
			wake = t
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("service %s: %w", lastPart(k), err)
	}
	watch.publish() // before the agent can report on the tasks started
	e.ctl.setWake(k, wake)
	if released {
		e.ctl.lbs.release(k)
	}
	e.launch(launched...)
	for _, arn := range nudged {
		e.nudge(arn)
	}
	return nil
}

// serviceView is what the planner knows of the service: its deployments and the tasks
// it has not yet accounted for.
func (e *Emulator) serviceView(k string, r *serviceRecord, now time.Time) (scheduler.ServiceView, map[string]*taskRecord) {
	s := r.Service
	v := scheduler.ServiceView{Name: s.ServiceName, DesiredCount: s.DesiredCount, Throttle: r.Throttle, Steady: r.Steady, Now: now}
	if dc := s.DeploymentConfiguration; dc != nil {
		v.MinimumHealthyPercent, v.MaximumPercent = dc.MinimumHealthyPercent, dc.MaximumPercent
		if dc.DeploymentCircuitBreaker != nil {
			v.CircuitBreaker = *dc.DeploymentCircuitBreaker
		}
	}
	v.HealthCheckGracePeriod = time.Duration(ecs.Deref(s.HealthCheckGracePeriodSeconds)) * time.Second
	for _, d := range r.Deployments {
		v.Deployments = append(v.Deployments, scheduler.DeploymentView{
			ID: d.ID, TaskDefinition: d.TaskDefinition, Status: d.Status, RolloutState: d.RolloutState,
			CreatedAt: tsTime(d.CreatedAt), UpdatedAt: tsTime(d.UpdatedAt), FailedTasks: d.FailedTasks, ReachedRunning: d.ReachedRunning, Rollback: d.Rollback,
			DesiredCount: d.DesiredCount, PendingCount: d.PendingCount, RunningCount: d.RunningCount,
		})
	}
	daemon := s.SchedulingStrategy == ecs.SchedulingDaemon
	if daemon {
		v.DesiredCount = e.daemonDesired(k, r)
		r.Service.DesiredCount = v.DesiredCount
	}
	states := e.instanceStates(k[:strings.LastIndexByte(k, 0)])
	tasks := map[string]*taskRecord{}
	for _, tk := range e.ctl.memberKeys(k) {
		tr, ok := e.tasks.Get(tk)
		if !ok {
			e.ctl.removeMember(k, tk) // forgotten by the stopped-task reaper
			continue
		}
		tv := e.taskView(r, tr)
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
		e.rankScaleIn(k, r, &v, tasks)
	}
	return v, tasks
}

// taskView reads one task for the planner.
func (e *Emulator) taskView(r *serviceRecord, tr *taskRecord) scheduler.TaskView {
	t := tr.Task
	tv := scheduler.TaskView{ARN: t.TaskArn, DeploymentID: t.StartedBy, LastStatus: t.LastStatus,
		DesiredStatus: t.DesiredStatus, Health: t.HealthStatus, StartedAt: tsTime(t.StartedAt)}
	if td := e.defByARN(t.TaskDefinitionArn); td != nil {
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
		ran := t.StartedAt != nil
		bySomeone := t.StopCode == ecs.StopServiceSchedulerInitiated || t.StopCode == ecs.StopUserInitiated ||
			t.StopCode == ecs.StopSpotInterruption || t.StopCode == ecs.StopTerminationNotice
		tv.FailedToStart = !ran && !bySomeone
		// A task that ran and then lost an essential container is a crash: the breaker
		// counts it with the health-check replacements of stage 2 (spec §5.7).
		tv.FailedHealthCheck = tr.HealthStop || (ran && t.StopCode == ecs.StopEssentialContainerExited)
	}
	if lbs := r.Service.LoadBalancers; len(lbs) > 0 && t.LastStatus == ecs.StatusRunning {
		tv.TargetGroup = lbs[0].TargetGroupArn
		tv.TargetHealth = e.ctl.lbs.health(r, t)
	}
	return tv
}

// defByARN returns a task definition revision, decoded once.
func (e *Emulator) defByARN(arn string) *ecs.TaskDefinition {
	e.ctl.mu.Lock()
	td, ok := e.ctl.defs[arn]
	e.ctl.mu.Unlock()
	if ok {
		return td
	}
	a, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := atoiPositive(rev)
	rec, ok := e.taskDefs.Get(key(a.Region, family, revKey(n)))
	if !ok {
		return nil
	}
	td, err := rec.definition()
	if err != nil {
		return nil
	}
	e.ctl.mu.Lock()
	e.ctl.defs[arn] = td
	e.ctl.mu.Unlock()
	return td
}

func tsTime(t *ecs.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}
