package emulator

import (
	"context"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// StartTask starts one task on each named container instance, as a custom scheduler
// does (spec §4.8): no strategies, the instance either takes the task or answers with
// a failure.
func (e *Emulator) StartTask(ctx context.Context, in *ecs.StartTaskInput) (*ecs.TasksOutput, error) {
	switch {
	case in.TaskDefinition == "":
		return nil, ecs.InvalidParameter("TaskDefinition can not be blank.")
	case len(in.ContainerInstances) == 0:
		return nil, ecs.InvalidParameter("ContainerInstances can not be empty.")
	case len(in.ContainerInstances) > 10:
		return nil, ecs.InvalidParameter("ContainerInstances can have at most 10 items.")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	run := &ecs.RunTaskInput{Cluster: in.Cluster, TaskDefinition: in.TaskDefinition, Overrides: in.Overrides, Group: in.Group,
		StartedBy: in.StartedBy, NetworkConfiguration: in.NetworkConfiguration, Tags: in.Tags, EnableECSManagedTags: in.EnableECSManagedTags,
		PropagateTags: in.PropagateTags, EnableExecuteCommand: in.EnableExecuteCommand, LaunchType: ecs.LaunchEC2}
	sc := e.st.Scope(ctx)
	out := &ecs.TasksOutput{Tasks: []*ecs.Task{}, Failures: []ecs.Failure{}}
	err := e.store.Update(func(tx *store.Tx) error {
		ck, cluster, err := e.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		rec, td, err := e.runnableTaskDef(ctx, in.TaskDefinition)
		if err != nil {
			return err
		}
		if err := check.Launch(td, ecs.LaunchEC2, run); err != nil {
			return err
		}
		how := state.Placement{Constraints: admission.PlacementConstraints(td, nil)}
		admit := admission.New(e.st, e.rnd, e.fg.Quotas(), sc.Region, ck, ecs.LaunchEC2, how)
		tags := taskTags(run, rec.Tags, cluster.ClusterName)
		for _, ref := range in.ContainerInstances {
			_, r, rerr := e.st.ResolveInstance(ck, ref)
			if rerr != nil {
				out.Failures = append(out.Failures, ecs.Failure{Arn: instanceARNOf(sc, cluster.ClusterName, ref), Reason: "MISSING"})
				continue
			}
			arn := r.Instance.ContainerInstanceArn
			t := e.newTask(sc, cluster, td, run, ecs.LaunchEC2, "")
			t.Tags = tags
			tr := &taskRecord{Task: t, ClusterName: cluster.ClusterName}
			if p := admit.PlaceOnInstance(td, tr, arn); p.Failure != "" {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: p.Failure})
				continue
			}
			id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
			e.tasks.Put(tx, state.TaskKey(sc.Region, cluster.ClusterName, id), tr)
			out.Tasks = append(out.Tasks, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.ev.Tasks(out.Tasks...)
	for _, t := range out.Tasks {
		e.fg.Launch(t.TaskArn)
	}
	return out, nil
}

// instanceARNOf is the ARN of a container instance named by ID or ARN.
func instanceARNOf(sc ecs.Scope, cluster, ref string) string {
	if _, ok := ecs.ParseARN(ref); ok {
		return ref
	}
	return sc.ContainerInstanceARN(cluster, ref)
}
