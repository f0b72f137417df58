package tasksetctl

import (
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/fargate"
)

// start creates n tasks of a task set through the admission path service tasks take,
// each in PROVISIONING with group service:NAME and startedBy the task set id, as ECS
// sets them.
func (x *sweep) start(ts *state.TaskSet, n int) {
	ctl, s := x.ctl, x.r.Service
	region := state.LastRegion(x.k)
	cluster, ok := ctl.st.Clusters.Get(state.Key(region, x.r.ClusterName))
	if !ok {
		return
	}
	td := x.taskDef(ts.TaskDefinition)
	if td == nil {
		x.event(scheduler.Event{Kind: scheduler.EventUnplaceable, Placement: scheduler.PlaceNoTaskDef}, ts.ID)
		return
	}
	sc := ecs.Scope{Region: region, Account: ctl.st.AccountID}
	in := &ecs.RunTaskInput{Cluster: x.r.ClusterName, TaskDefinition: ts.TaskDefinition, LaunchType: ts.LaunchType,
		CapacityProviderStrategy: ts.CapacityProviderStrategy, NetworkConfiguration: ts.NetworkConfiguration,
		PlatformVersion: ts.PlatformVersion, Group: state.ServiceGroup(s.ServiceName), StartedBy: ts.ID,
		EnableExecuteCommand: s.EnableExecuteCommand, EnableECSManagedTags: s.EnableECSManagedTags}
	providers := make([]string, n)
	if len(ts.CapacityProviderStrategy) > 0 {
		if split, err := fargate.Split(ts.CapacityProviderStrategy, x.providerCounts(ts.ID), n); err == nil {
			providers = split
		}
	}
	launch := ts.LaunchType
	if launch == "" {
		launch = state.LaunchOfStrategy(ts.CapacityProviderStrategy)
	}
	tags := x.tags(ts)
	how := state.Placement{Strategies: s.PlacementStrategy, Constraints: admission.PlacementConstraints(td, s.PlacementConstraints), Service: true}
	admit := admission.New(ctl.st, ctl.rnd, ctl.host.Quotas(), region, state.Key(region, x.r.ClusterName), launch, how)
	var ids []string
	for i := 0; i < n; i++ {
		t := ctl.host.NewTask(sc, cluster, td, in, launch, providers[i])
		t.Tags = slices.Clone(tags)
		id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
		tk := state.TaskKey(region, x.r.ClusterName, id)
		tr := &state.Task{Task: t, ClusterName: x.r.ClusterName, Service: x.k}
		if why, closest := admit.Admit(td, tr, providers[i]); why != "" {
			x.event(scheduler.Event{Kind: scheduler.EventUnplaceable, Placement: why, Closest: closest}, ts.ID)
			x.wakeAt(x.now.Add(placementRetry))
			break
		}
		x.put(tk, tr)
		x.launched = append(x.launched, t.TaskArn)
		x.started = append(x.started, tk)
		ids = append(ids, id)
	}
	if len(ids) > 0 {
		x.event(scheduler.Event{Kind: scheduler.EventStarted, Tasks: ids}, ts.ID)
	}
}

// placementRetry is how long a task set waits before placing tasks again after a
// placement failure (as for services).
const placementRetry = 10 * time.Second

// tags are the tags a task set's new task carries: propagated from the service or the
// task definition, and ECS's managed tags.
func (x *sweep) tags(ts *state.TaskSet) []ecs.Tag {
	s := x.r.Service
	tags := []ecs.Tag{}
	switch s.PropagateTags {
	case "SERVICE":
		for _, t := range s.Tags {
			if !state.IsReservedTag(ecs.Deref(t.Key)) {
				tags = state.MergeTags(tags, []ecs.Tag{t})
			}
		}
	case "TASK_DEFINITION":
		if rec := x.taskDefRecord(ts.TaskDefinition); rec != nil {
			tags = state.MergeTags(tags, rec.Tags)
		}
	}
	if s.EnableECSManagedTags {
		tags = state.MergeTags(tags, []ecs.Tag{{Key: ecs.Ptr("aws:ecs:clusterName"), Value: ecs.Ptr(x.r.ClusterName)},
			{Key: ecs.Ptr("aws:ecs:serviceName"), Value: ecs.Ptr(s.ServiceName)}})
	}
	return tags
}

// providerCounts counts a task set's live tasks per capacity provider, so a strategy's
// base and weights apply to the set as a whole.
func (x *sweep) providerCounts(set string) map[string]int {
	out := map[string]int{}
	for _, tr := range x.tasks {
		if tr.Task.StartedBy == set && tr.Task.LastStatus != ecs.StatusStopped && tr.Task.CapacityProviderName != "" {
			out[tr.Task.CapacityProviderName]++
		}
	}
	return out
}

func (x *sweep) taskDefRecord(arn string) *state.TaskDef {
	a, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	rec, ok := x.ctl.st.TaskDefs.Get(state.Key(a.Region, family, state.RevKey(n)))
	if !ok {
		return nil
	}
	return rec
}

func (x *sweep) taskDef(arn string) *ecs.TaskDefinition {
	rec := x.taskDefRecord(arn)
	if rec == nil {
		return nil
	}
	td, err := rec.Decode()
	if err != nil {
		x.ctl.st.LogError("task set task definition", err)
		return nil
	}
	return td
}
