package servicectl

import (
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// execution carries out one plan inside one store transaction.
type execution struct {
	ctl   *Ctl
	tx    *store.Tx
	k     string // service key
	r     *state.Service
	now   time.Time
	tasks map[string]*state.Task // the service's tasks by store key

	launched, nudged []string
	drainWake        time.Time
	conditions       map[string]bool   // condition events this pass raised, by message
	written          []scheduler.Event // the events this pass wrote, for the event stream
}

func (x *execution) deployments(us []scheduler.DeploymentUpdate) {
	for _, u := range us {
		for i := range x.r.Deployments {
			d := &x.r.Deployments[i]
			if d.ID != u.ID {
				continue
			}
			d.Status, d.RolloutState, d.FailedTasks = u.Status, u.RolloutState, u.FailedTasks
			d.ReachedRunning, d.Rollback = u.ReachedRunning, u.Rollback
			d.DesiredCount, d.PendingCount, d.RunningCount = u.Desired, u.Pending, u.Running
			if u.Reason != "" {
				d.RolloutStateReason = u.Reason
			}
			d.UpdatedAt = ecs.At(x.now)
		}
	}
}

// forget marks STOPPED tasks the plan accounted for.
func (x *execution) forget(arns []string) {
	for _, arn := range arns {
		tk, tr := x.find(arn)
		if tr == nil {
			continue
		}
		next := *tr
		next.Accounted = true
		x.ctl.st.Tasks.Put(x.tx, tk, &next)
		x.tx.AfterCommit(func() { x.ctl.removeMember(x.k, tk) })
		delete(x.tasks, tk)
	}
}

// find is one of the service's tasks by ARN (its store key follows from the ARN).
func (x *execution) find(arn string) (string, *state.Task) {
	a, _ := ecs.ParseARN(arn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	tk := state.TaskKey(a.Region, cluster, id)
	if tr, ok := x.tasks[tk]; ok {
		return tk, tr
	}
	return "", nil
}

// stop asks tasks to stop with the scheduler's stop code and reason. A task behind a
// load balancer first goes DEACTIVATING while its target drains (spec §5.4); the agent
// stops it once drain() lets it go.
func (x *execution) stop(steps []scheduler.StopStep) {
	draining := 0
	for _, s := range steps {
		tk, tr := x.find(s.TaskARN)
		if tr == nil || tr.Task.DesiredStatus == ecs.StatusStopped {
			continue
		}
		t := state.CloneTask(tr.Task)
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, s.StopCode, s.Reason
		t.StoppingAt = ecs.At(x.now)
		t.Version++
		next := *tr
		next.Task, next.HealthStop = t, s.HealthCheck
		if len(x.r.Service.LoadBalancers) > 0 && t.LastStatus == ecs.StatusRunning {
			t.LastStatus = ecs.StatusDeactivating
			next.Draining = true
			r := x.r
			x.tx.AfterCommit(func() { x.ctl.lbs.deregister(r, t) })
			draining++
		} else {
			x.nudged = append(x.nudged, t.TaskArn)
		}
		x.ctl.st.Tasks.Put(x.tx, tk, &next)
		x.tasks[tk] = &next
	}
	if draining > 0 {
		name := x.r.Service.ServiceName
		x.events(scheduler.Event{Kind: scheduler.EventDraining, Service: name, Count: draining})
		for _, spec := range x.r.Service.LoadBalancers {
			x.events(scheduler.Event{Kind: scheduler.EventDeregistered, Service: name, Count: draining, TargetGroup: spec.TargetGroupArn})
		}
	}
}

// drain registers RUNNING tasks with the service's load balancers and lets DEACTIVATING
// tasks stop once their targets have drained.
func (x *execution) drain() {
	if len(x.r.Service.LoadBalancers) == 0 && !x.anyDraining() {
		return
	}
	var drainers, registered int
	for tk, tr := range x.tasks {
		t := tr.Task
		switch {
		case tr.Draining && (x.ctl.lbs.drained(x.r, t) || t.LastStatus >= ecs.StatusStopping):
			next := *tr
			next.Draining = false
			x.ctl.st.Tasks.Put(x.tx, tk, &next)
			x.tasks[tk] = &next
			x.nudged = append(x.nudged, t.TaskArn)
		case tr.Draining:
			drainers++
		case t.LastStatus == ecs.StatusRunning && t.DesiredStatus == ecs.StatusRunning:
			if x.ctl.lbs.unregistered(x.r, t) {
				// Starting a balancer listens on a port: a side effect for after the commit.
				r := x.r
				x.tx.AfterCommit(func() { x.ctl.lbs.register(r, t) })
				registered++
			}
		}
	}
	if drainers > 0 {
		x.wakeAt(x.now.Add(time.Second)) // look again while targets drain
	}
	if registered > 0 {
		for _, spec := range x.r.Service.LoadBalancers {
			x.events(scheduler.Event{Kind: scheduler.EventRegistered, Service: x.r.Service.ServiceName, Count: registered, TargetGroup: spec.TargetGroupArn})
		}
	}
}

func (x *execution) anyDraining() bool {
	for _, tr := range x.tasks {
		if tr.Draining {
			return true
		}
	}
	return false
}

// events records the plan's events. A condition (a problem that lasts) is written once
// while its cause lasts, and again after conditionRepeat (spec §5.9).
func (x *execution) events(evs ...scheduler.Event) {
	for _, ev := range evs {
		m := ev.Message()
		if ev.Condition() {
			if x.conditions == nil {
				x.conditions = map[string]bool{}
			}
			x.conditions[m] = true
			if last, ok := x.r.Conditions[m]; ok && x.now.Sub(last) < conditionRepeat {
				continue
			}
			if x.r.Conditions == nil {
				x.r.Conditions = map[string]time.Time{}
			}
			x.r.Conditions[m] = x.now
		}
		x.r.AddEvents(x.now, m)
		x.written = append(x.written, ev)
	}
}

// conditionRepeat is how long ECS suppresses a repeated problem event.
const conditionRepeat = 6 * time.Hour

// settle forgets the conditions this pass did not raise again: their causes are gone.
func (x *execution) settle() {
	for m := range x.r.Conditions {
		if !x.conditions[m] {
			delete(x.r.Conditions, m)
		}
	}
}

// start admits the plan's start steps against the cluster (package admission: host
// ports, Fargate quota and Spot capacity, EC2 placement), records each task's outcome
// in plan.Placements, and then creates the tasks the placements admit, each in
// PROVISIONING with group service:NAME and startedBy the deployment id, as ECS sets them.
func (x *execution) start(plan *scheduler.Plan) {
	for _, s := range plan.Start {
		d := x.deployment(s.DeploymentID)
		if d == nil {
			continue
		}
		a := x.admitStart(d, s.Count)
		plan.Placements = append(plan.Placements, a.placements...)
		ids := x.create(a.admitted)
		if len(ids) > 0 {
			x.events(scheduler.Event{Kind: scheduler.EventStarted, Service: x.r.Service.ServiceName, Tasks: ids, Replaced: s.Replaced})
		}
		if a.problem != nil {
			x.events(*a.problem)
		}
		if unplaced := s.Count - len(ids); unplaced > 0 {
			// The plan counted them as pending; they are not. Try again later, as ECS
			// keeps trying to place a service's tasks.
			d.PendingCount = max(d.PendingCount-unplaced, 0)
			x.wakeAt(x.now.Add(placementRetry))
		}
	}
}

// placementRetry is how long a service waits before placing tasks again after a
// placement failure (ecsmini's choice; ECS retries on its own schedule).
const placementRetry = 10 * time.Second

// wakeAt asks for the service to be planned again at t at the latest.
func (x *execution) wakeAt(t time.Time) {
	if x.drainWake.IsZero() || t.Before(x.drainWake) {
		x.drainWake = t
	}
}

func (x *execution) deployment(id string) *state.Deployment {
	for i := range x.r.Deployments {
		if x.r.Deployments[i].ID == id {
			return &x.r.Deployments[i]
		}
	}
	return nil
}

// admitted is the admission of one start step: where each task goes (placements, in
// order, up to the first that cannot start), the records of the tasks admitted, and the
// service event ECS writes when a task cannot be placed.
type admitted struct {
	placements []scheduler.Placement
	admitted   []*state.Task
	problem    *scheduler.Event
}

// admitStart admits up to n new tasks of a deployment. It writes nothing.
func (x *execution) admitStart(d *state.Deployment, n int) admitted {
	ctl, s := x.ctl, x.r.Service
	region := state.LastRegion(x.k)
	cluster, ok := ctl.st.Clusters.Get(state.Key(region, x.r.ClusterName))
	if !ok {
		return admitted{}
	}
	td := ctl.defByARN(d.TaskDefinition)
	if td == nil {
		return admitted{problem: &scheduler.Event{Kind: scheduler.EventUnplaceable, Service: s.ServiceName, Placement: scheduler.PlaceNoTaskDef}}
	}
	sc := ecs.Scope{Region: region, Account: ctl.st.AccountID}
	in := &ecs.RunTaskInput{Cluster: x.r.ClusterName, TaskDefinition: d.TaskDefinition, LaunchType: d.LaunchType,
		CapacityProviderStrategy: d.CapacityProviderStrategy, NetworkConfiguration: d.NetworkConfiguration,
		PlatformVersion: d.PlatformVersion, Group: state.ServiceGroup(s.ServiceName), StartedBy: d.ID,
		EnableExecuteCommand: s.EnableExecuteCommand, EnableECSManagedTags: s.EnableECSManagedTags}
	providers := make([]string, n)
	if len(d.CapacityProviderStrategy) > 0 {
		if split, err := fargate.Split(d.CapacityProviderStrategy, x.providerCounts(), n); err == nil {
			providers = split
		}
	}
	launch := d.LaunchType
	if launch == "" {
		launch = state.LaunchOfStrategy(d.CapacityProviderStrategy)
	}
	var tags []ecs.Tag
	switch s.PropagateTags {
	case "SERVICE":
		tags = state.MergeTags(tags, userTags(s.Tags))
	case "TASK_DEFINITION":
		if rec, ok := ctl.st.TaskDefs.Get(taskDefKeyOf(d.TaskDefinition)); ok {
			tags = state.MergeTags(tags, rec.Tags)
		}
	}
	if s.EnableECSManagedTags {
		tags = state.MergeTags(tags, []ecs.Tag{{Key: ecs.Ptr("aws:ecs:clusterName"), Value: ecs.Ptr(x.r.ClusterName)},
			{Key: ecs.Ptr("aws:ecs:serviceName"), Value: ecs.Ptr(s.ServiceName)}})
	}
	var out admitted
	unplaceable := func(code, closest string) *scheduler.Event {
		return &scheduler.Event{Kind: scheduler.EventUnplaceable, Service: s.ServiceName, Placement: code, Closest: closest}
	}
	if spot, ok := ctl.st.Spot.Get(state.Key(region, x.r.ClusterName)); ok && spot.Unavailable && slices.Contains(providers, ecs.FargateSpot) {
		// The tasks are recorded and wait in PROVISIONING until capacity returns (spec
		// §2.6); the service says why.
		out.problem = unplaceable(scheduler.PlaceFargateCapacity, "")
	}
	how := state.Placement{Strategies: s.PlacementStrategy, Constraints: admission.PlacementConstraints(td, s.PlacementConstraints), Service: true}
	daemon := s.SchedulingStrategy == ecs.SchedulingDaemon
	if daemon {
		// One task per instance: an instance that runs one of the service's tasks takes
		// no other.
		how.Constraints = append(how.Constraints, ecs.PlacementConstraint{Type: "distinctInstance"})
	}
	admit := admission.New(ctl.st, ctl.rnd, ctl.host.Quotas(), region, state.Key(region, x.r.ClusterName), launch, how)
	for i := 0; i < n; i++ {
		t := ctl.host.NewTask(sc, cluster, td, in, launch, providers[i])
		t.Tags = tags
		if t.Tags == nil {
			t.Tags = []ecs.Tag{}
		}
		tr := &state.Task{Task: t, ClusterName: x.r.ClusterName, Service: x.k, Daemon: daemon,
			ServiceConnect: d.ServiceConnect().Enabled}
		p := admit.Place(td, tr, providers[i])
		p.Deployment = d.ID
		if p.Provider == ecs.FargateSpot && out.problem != nil && out.problem.Placement == scheduler.PlaceFargateCapacity {
			p.Waits = true
		}
		out.placements = append(out.placements, p)
		if p.Failure != "" {
			out.problem = unplaceable(p.Failure, p.Closest)
			return out
		}
		out.admitted = append(out.admitted, tr)
	}
	return out
}

// create records the admitted tasks and returns their IDs.
func (x *execution) create(trs []*state.Task) []string {
	ctl := x.ctl
	region := state.LastRegion(x.k)
	var ids []string
	for _, tr := range trs {
		t := tr.Task
		id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
		tk := state.TaskKey(region, x.r.ClusterName, id)
		ctl.st.Tasks.Put(x.tx, tk, tr)
		x.tx.AfterCommit(func() { ctl.addMember(x.k, tk) })
		x.tasks[tk] = tr
		x.launched = append(x.launched, t.TaskArn)
		ids = append(ids, id)
	}
	return ids
}

// providerCounts counts the service's live tasks per capacity provider, so a strategy's
// base and weights apply to the service as a whole (spec §2.3).
func (x *execution) providerCounts() map[string]int {
	out := map[string]int{}
	for _, tr := range x.tasks {
		if tr.Task.LastStatus != ecs.StatusStopped && tr.Task.CapacityProviderName != "" {
			out[tr.Task.CapacityProviderName]++
		}
	}
	return out
}

// userTags drops the aws: tags ECS manages itself.
func userTags(tags []ecs.Tag) []ecs.Tag {
	var out []ecs.Tag
	for _, t := range tags {
		if !state.IsReservedTag(ecs.Deref(t.Key)) {
			out = append(out, t)
		}
	}
	return out
}

// taskDefKeyOf is the store key of a task definition revision ARN.
func taskDefKeyOf(arn string) string {
	a, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	return state.Key(a.Region, family, state.RevKey(n))
}
