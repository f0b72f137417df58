package tasksetctl

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// A CODE_DEPLOY service's deployments are AWS CodeDeploy's; there is no CodeDeploy on
// a laptop, so ecsmini stands in for it with the all-at-once configuration
// (CodeDeployDefault.ECSAllAtOnce): UpdateService with a new task definition makes a
// replacement task set (Replace); once its tasks all run, they become targets of the
// service's local load balancers (Held ends: the production traffic shifts); once
// those targets are healthy, the replacement turns PRIMARY and the original drains
// and is removed. For a moment both sets serve, so no request fails.

// StartedByCodeDeploy is the startedBy of the task sets a CodeDeploy deployment makes.
const StartedByCodeDeploy = "CODE_DEPLOY"

// Initial is a CODE_DEPLOY service's first task set, which ECS makes with the service:
// PRIMARY, scale 100 %, serving the service's load balancers.
func Initial(sc ecs.Scope, r *state.Service, l Launch, now time.Time) {
	in := &ecs.TaskSetInput{LoadBalancers: r.Service.LoadBalancers, ServiceRegistries: r.Service.ServiceRegistries}
	ts := NewTaskSet(sc, r, l, in, now)
	ts.Status = ecs.TaskSetPrimary
	r.TaskSets = []state.TaskSet{ts}
}

// Replace starts a CodeDeploy-style deployment of l: a replacement task set at scale
// 100 % that takes no traffic until it runs in full. A deployment already under way is
// refused, as CodeDeploy refuses a second deployment of a deployment group.
func Replace(sc ecs.Scope, r *state.Service, l Launch, now time.Time) error {
	for _, ts := range r.TaskSets {
		if ts.Status != ecs.TaskSetPrimary {
			return ecs.InvalidParameter("A deployment is already in progress for service %s; wait for it to finish.", r.Service.ServiceName)
		}
	}
	in := &ecs.TaskSetInput{LoadBalancers: r.Service.LoadBalancers, ServiceRegistries: r.Service.ServiceRegistries}
	ts := NewTaskSet(sc, r, l, in, now)
	ts.StartedBy, ts.Held = StartedByCodeDeploy, true
	r.TaskSets = append(r.TaskSets, ts)
	r.AddEvents(now, "(service "+r.Service.ServiceName+") has started a CodeDeploy deployment: replacement taskSet "+ts.ID+" for "+l.TaskDefinition+".")
	return nil
}

// shift moves a CODE_DEPLOY service's production traffic to a ready replacement task
// set, then makes it PRIMARY and drains the original (the all-at-once stand-in).
func (x *sweep) shift() {
	if c := x.r.Service.DeploymentController; c == nil || c.Type != ecs.ControllerCodeDeploy || x.r.Service.Status != ecs.ServiceActive {
		return
	}
	for i := range x.r.TaskSets {
		ts := &x.r.TaskSets[i]
		switch {
		case ts.Status != ecs.TaskSetActive:
		case ts.Held && ts.StabilityStatus == ecs.TaskSetSteady:
			ts.Held, ts.UpdatedAt = false, ecs.At(x.now) // its RUNNING tasks register this pass
			x.r.AddEvents(x.now, "(service "+x.r.Service.ServiceName+", taskSet "+ts.ID+") production traffic shifted to the replacement task set (all at once).")
		case !ts.Held && x.serving(ts):
			x.retire(i)
			return
		}
	}
}

// serving says every RUNNING task of a set is a healthy target of its load balancers.
func (x *sweep) serving(ts *state.TaskSet) bool {
	for _, tk := range x.keysOf(ts.ID, wanted) {
		t := x.tasks[tk].Task
		if t.LastStatus != ecs.StatusRunning || !x.ctl.lbs.TargetsHealthy(x.k, ts.LoadBalancers, t) {
			return false
		}
	}
	return ts.RunningCount == ts.ComputedDesiredCount
}

// retire makes the replacement set i PRIMARY and drains the original.
func (x *sweep) retire(i int) {
	for j := range x.r.TaskSets {
		if x.r.TaskSets[j].Status == ecs.TaskSetPrimary {
			x.r.TaskSets[j].Status = ecs.TaskSetDraining
			x.r.TaskSets[j].UpdatedAt = ecs.At(x.now)
		}
	}
	promote(x.r, i, x.now)
	ts := x.r.TaskSets[i]
	x.r.AddEvents(x.now, "(service "+x.r.Service.ServiceName+", taskSet "+ts.ID+") is now the primary task set; the original task set is draining.")
}

// pending asks for another pass while a CodeDeploy-style deployment is under way: at
// once when its replacement just became ready, else soon, to see its targets healthy.
func (x *sweep) pending() {
	if c := x.r.Service.DeploymentController; c == nil || c.Type != ecs.ControllerCodeDeploy {
		return
	}
	for _, ts := range x.r.TaskSets {
		switch {
		case ts.Status != ecs.TaskSetActive:
		case ts.Held && ts.StabilityStatus == ecs.TaskSetSteady:
			x.wakeAt(x.now)
		default:
			x.wakeAt(x.now.Add(time.Second))
		}
	}
}
