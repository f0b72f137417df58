package servicectl

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
)

// This file runs the BLUE_GREEN, LINEAR and CANARY strategies (package strategy
// plans them) and the deployment alarms of every strategy. Each pass, before the
// scheduler plans the service, it moves the primary deployment along its plan: green
// (the new revision) starts at full size beside blue (scheduler.ServiceView.HoldOld),
// the load balancers split traffic by the plan's weights, hooks are invoked off the
// loop, and blue is stopped at CLEAN_UP. A failure rolls traffic back to blue at once.

// hookTimeoutCtx bounds one hook invocation, so a hung runner cannot hold a goroutine
// for ever (the hook's own timeout is the plan's business).
const hookTimeoutCtx = 15 * time.Minute

// SetStrategyPorts connects the lifecycle hook runner and the alarm states (nil: every
// hook succeeds, no alarm fires); act counts hook invocations for Settle.
func (ctl *Ctl) SetStrategyPorts(hooks strategy.HookRunner, alarms strategy.AlarmStates, act *clock.Activity) {
	ctl.hooks, ctl.alarms, ctl.act = hooks, alarms, act
}

// shift is what a pass decided about traffic and hooks, carried out after the commit.
type shift struct {
	active     bool
	production map[string]float64 // share per deployment id on the production target groups
	test       map[string]float64 // on the alternate target groups (the test listener)
	call       *hookJob
	wake       time.Time
	rolledBack bool // the deployments changed: the planner's view must be rebuilt
	// bakeEnds is when the bake in progress ends (a canary or linear step's, or the
	// final bake), zero when none is; the load balancer info shows it (the dashboard's
	// countdown).
	bakeEnds time.Time
}

// hookJob is one hook invocation to make after the commit.
type hookJob struct {
	k, deployment string
	step, hook    int
	target        string
	payload       []byte
}

// shiftPass moves the primary deployment along its strategy and checks its alarms. It
// runs inside the pass's transaction, on r about to be stored.
func (ctl *Ctl) shiftPass(k string, r *state.Service, v *scheduler.ServiceView, now time.Time) shift {
	var sh shift
	pi := -1
	for i := range r.Deployments {
		if r.Deployments[i].Status == ecs.DeploymentPrimary {
			pi = i
		}
	}
	if pi < 0 {
		return sh
	}
	dc := r.Service.DeploymentConfiguration
	P := &r.Deployments[pi]
	var blue []string
	for _, d := range r.Deployments {
		if d.ID != P.ID && d.Status == ecs.DeploymentActive && d.RunningCount+d.PendingCount > 0 {
			blue = append(blue, d.ID)
		}
	}
	alarm := ""
	if dc != nil && dc.Alarms != nil && dc.Alarms.Enable && P.RolloutState == ecs.RolloutInProgress && !P.Rollback {
		alarm = strategy.AlarmFiring(ctl.alarms, dc.Alarms.AlarmNames)
	}
	shifting := strategy.Shifts(strategy.Of(dc)) && P.RolloutState == ecs.RolloutInProgress && !P.Rollback &&
		(P.Shift != nil || len(blue) > 0)
	if !shifting {
		if alarm != "" {
			sh.rolledBack = ctl.failDeployment(r, pi, alarmReason(P.ID, alarm), dc.Alarms.Rollback, now)
		}
		if P.Rollback && len(r.Service.LoadBalancers) > 0 {
			sh.active, sh.production, sh.test = true, map[string]float64{P.ID: 100}, map[string]float64{P.ID: 100}
		}
		return sh
	}
	prog := strategy.Progress{}
	if P.Shift != nil {
		prog = *P.Shift
	}
	plan := strategy.Plan(dc, len(blue) > 1)
	ready := 0
	for _, t := range v.Tasks {
		if t.DeploymentID == P.ID && t.Healthy(now) {
			ready++
		}
	}
	in := strategy.Input{Now: now, GreenReady: ready >= r.Service.DesiredCount}
	if alarm != "" {
		in.Failure = alarmReason(P.ID, alarm)
	}
	var out strategy.Output
	for range 100 { // hooks a nil runner answers at once; bounded by the plan's length
		out = strategy.Advance(plan, dc, prog, in)
		prog = out.Progress
		for _, st := range out.Stages {
			r.AddEvents(now, stageEvent(r.Service.ServiceName, P.ID, st, plan, prog))
		}
		if out.Invoke != nil && ctl.hooks == nil {
			prog.Calling, prog.Answer = false, strategy.HookSucceeded
			continue
		}
		break
	}
	P.Shift, P.LifecycleStage = &prog, strategy.Current(plan, prog).Stage
	P.LifecycleHooks = strategy.HookDetails(plan, dc, prog, now)
	if out.Rollback != "" {
		rollback := alarm == "" || dc.Alarms.Rollback
		reason := out.Rollback
		if alarm == "" {
			reason = "ECS deployment " + P.ID + " failed: " + out.Rollback
		}
		sh.rolledBack = ctl.failDeployment(r, pi, reason, rollback, now)
		sh.active = true
		sh.production, sh.test = weights(blue, "", 0), weights(blue, "", 0)
		return sh
	}
	if out.Invoke != nil {
		sh.call = ctl.hookJob(k, r, P, blue, plan, prog, dc, *out.Invoke)
	}
	sh.wake = out.Due
	if cur := strategy.Current(plan, prog); !prog.Done && !prog.Since.IsZero() && cur.Wait > 0 && !cur.WaitGreen {
		sh.bakeEnds = prog.Since.Add(cur.Wait)
	}
	v.HoldOld = !prog.Done
	green, test := strategy.Traffic(plan, prog)
	sh.active = true
	sh.production = weights(blue, P.ID, green)
	sh.test = weights(blue, P.ID, 0)
	if test {
		sh.test = weights(blue, P.ID, 100)
	}
	return sh
}

// weights gives green its share and splits the rest evenly over blue.
func weights(blue []string, green string, share float64) map[string]float64 {
	w := map[string]float64{}
	if green != "" {
		w[green] = share
	}
	for _, b := range blue {
		w[b] = (100 - share) / float64(len(blue))
	}
	return w
}

// alarmReason is the rolloutStateReason of a deployment an alarm failed (ecsmini's
// wording).
func alarmReason(id, alarm string) string {
	return fmt.Sprintf("ECS deployment %s failed: alarm %s is in ALARM state.", id, alarm)
}

// stageEvent is the service event of entering a lifecycle stage (ecsmini's wording).
func stageEvent(service, id, stage string, plan []strategy.Step, p strategy.Progress) string {
	msg := fmt.Sprintf("(service %s) (deployment %s) entered lifecycle stage %s", service, id, stage)
	if stage == strategy.StageProductionShift {
		msg += fmt.Sprintf(": %.1f%% of production traffic to the new revision", strategy.Current(plan, p).Green)
	}
	return msg + "."
}

// failDeployment fails primary deployment pi with reason and, when rollback is set,
// makes the last COMPLETED deployment PRIMARY again (its tasks still run while a
// strategy held them, so traffic is back on them at once). It reports whether the
// deployments changed.
func (ctl *Ctl) failDeployment(r *state.Service, pi int, reason string, rollback bool, now time.Time) bool {
	P := &r.Deployments[pi]
	P.RolloutState, P.RolloutStateReason, P.UpdatedAt = ecs.RolloutFailed, reason, ecs.At(now)
	r.AddEvents(now, fmt.Sprintf("(service %s) (deployment %s) deployment failed: %s", r.Service.ServiceName, P.ID, reason))
	if !rollback || P.Rollback {
		return true
	}
	back := -1
	for i, d := range r.Deployments {
		if i != pi && d.RolloutState == ecs.RolloutCompleted && (back < 0 || d.CreatedAt.After(r.Deployments[back].CreatedAt.Time)) {
			back = i
		}
	}
	if back < 0 {
		return true
	}
	P.Status = ecs.DeploymentActive
	b := &r.Deployments[back]
	b.Status, b.RolloutState, b.Rollback, b.FailedTasks, b.UpdatedAt = ecs.DeploymentPrimary, ecs.RolloutInProgress, true, 0, ecs.At(now)
	b.RolloutStateReason = "ECS deployment detected failure. Rolling back to deployment " + b.ID + "."
	r.Service.TaskDefinition = b.TaskDefinition
	r.Steady = false
	r.AddEvents(now, fmt.Sprintf("(service %s) rolling back to deployment %s.", r.Service.ServiceName, b.ID))
	return true
}

// hookJob builds the invocation of call for after the commit.
func (ctl *Ctl) hookJob(k string, r *state.Service, P *state.Deployment, blue []string, plan []strategy.Step,
	p strategy.Progress, dc *ecs.DeploymentConfiguration, call strategy.HookCall) *hookJob {
	a, _ := ecs.ParseARN(r.Service.ServiceArn)
	sc := ecs.Scope{Region: a.Region, Account: a.Account}
	rv := strategy.Revisions{ServiceArn: r.Service.ServiceArn, ClusterArn: r.Service.ClusterArn,
		Green: sc.ServiceRevisionARN(r.ClusterName, r.Service.ServiceName, revisionNumber(P.ID))}
	if len(blue) > 0 {
		rv.Blue = sc.ServiceRevisionARN(r.ClusterName, r.Service.ServiceName, revisionNumber(blue[0]))
	}
	payload, err := strategy.BuildPayload(rv, call.Stage, strategy.Current(plan, p), dc.LifecycleHooks[call.Hook])
	if err != nil {
		ctl.st.LogError("lifecycle hook payload", err)
	}
	return &hookJob{k: k, deployment: P.ID, step: p.Step, hook: p.Hook, target: call.Target, payload: payload}
}

func revisionNumber(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '/' {
			return id[i+1:]
		}
	}
	return id
}

// runHook invokes a hook off the loop and stores its answer; the service is planned
// again when it arrives. An error or an answer that is no hook status counts as
// FAILED, as ECS treats a failing Lambda function.
func (ctl *Ctl) runHook(j hookJob) {
	ctl.act.Add(1)
	go func() {
		defer ctl.act.Done()
		ctx, cancel := context.WithTimeout(context.Background(), hookTimeoutCtx)
		status, err := ctl.hooks.Invoke(ctx, j.target, j.payload)
		cancel()
		if err != nil || (status != strategy.HookSucceeded && status != strategy.HookInProgress) {
			status = strategy.HookFailed
		}
		err = ctl.st.Store.Update(func(tx *store.Tx) error {
			old, ok := ctl.st.Services.Get(j.k)
			if !ok {
				return nil
			}
			r := old.Clone()
			for i := range r.Deployments {
				d := &r.Deployments[i]
				if d.ID != j.deployment || d.Shift == nil || d.Shift.Step != j.step || d.Shift.Hook != j.hook || !d.Shift.Calling {
					continue
				}
				p := *d.Shift
				p.Calling, p.Answer = false, status
				d.Shift = &p
				ctl.host.SyncServiceDeployments(tx, r, ctl.st.Clock.Now())
				ctl.st.Services.Put(tx, j.k, r)
			}
			return nil
		})
		if err != nil {
			ctl.st.LogError("lifecycle hook answer", err)
		}
		ctl.MarkDirty(j.k)
	}()
}

// applyShift sets the load balancers' weights after the commit: the production target
// groups split between blue and green, the alternate ones (the test listener) serve
// what the plan's test traffic says. With no deployment shifting, round robin.
func (l *loadBalancers) applyShift(r *state.Service, sh shift) {
	set := func(tg string, w map[string]float64) {
		if b := l.get(tg); b != nil && !maps.Equal(b.Weights(), positive(w)) {
			b.SetWeights(w)
		}
	}
	for _, spec := range r.Service.LoadBalancers {
		var prod, test map[string]float64
		var bake time.Time
		if sh.active {
			prod, test, bake = sh.production, sh.test, sh.bakeEnds
		}
		set(spec.TargetGroupArn, prod)
		l.setBakeEnds(spec.TargetGroupArn, bake)
		if a := spec.AdvancedConfiguration; a != nil && a.AlternateTargetGroupArn != "" {
			set(a.AlternateTargetGroupArn, test)
		}
	}
}

// positive is w without its zero weights, as lb.Balancer.Weights reports it.
func positive(w map[string]float64) map[string]float64 {
	if len(w) == 0 {
		return nil
	}
	out := map[string]float64{}
	for g, v := range w {
		if v > 0 {
			out[g] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// tgSpecs are the service's load balancers and, for each with an advancedConfiguration,
// its alternate target group (the test listener), where every task registers too.
func tgSpecs(r *state.Service) []ecs.LoadBalancer {
	out := r.Service.LoadBalancers
	for _, spec := range r.Service.LoadBalancers {
		if a := spec.AdvancedConfiguration; a != nil && a.AlternateTargetGroupArn != "" {
			alt := spec
			alt.TargetGroupArn, alt.AdvancedConfiguration = a.AlternateTargetGroupArn, nil
			out = append(out[:len(out):len(out)], alt)
		}
	}
	return out
}
