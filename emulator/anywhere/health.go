package anywhere

import (
	"context"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Container health of remote tasks. The ECS agent publishes its containers' health
// over TCS (PublishHealthRequest: per task, each container's healthStatus), not with
// SubmitTaskStateChange, whose ContainerStateChange has no health field; ECS derives
// the task's healthStatus from its containers'. `ecsmini agent` reports the same over
// ecsmini's own endpoint (/_ecsmini/agent/health, join token required), and ecsmini
// derives the task's health as ECS does, so that DescribeTasks shows it and the
// service scheduler replaces an UNHEALTHY service task as it does a local one.

// TaskHealthReport is the health of one task's containers as its agent observed it.
type TaskHealthReport struct {
	TaskArn    string                  `json:"taskArn"`
	Containers []ContainerHealthReport `json:"containers"`
}

// ContainerHealthReport is one container's healthStatus (HEALTHY, UNHEALTHY, UNKNOWN).
type ContainerHealthReport struct {
	ContainerName string `json:"containerName"`
	HealthStatus  string `json:"healthStatus"`
}

// AgentHealth records the container health the agent of a remote instance reports for
// tasks placed on that instance, and each task's healthStatus derived from it (only
// essential containers with a health check count, as ECS counts them). A report about a
// task already STOPPED is ignored, as a late SubmitTaskStateChange is.
func (ag *Agents) AgentHealth(ctx context.Context, cluster, instance string, tasks []TaskHealthReport) error {
	for _, th := range tasks {
		for _, c := range th.Containers {
			switch c.HealthStatus {
			case ecs.HealthHealthy, ecs.HealthUnhealthy, ecs.HealthUnknown:
			default:
				return ecs.InvalidParameter("Invalid health status %q for container %s.", c.HealthStatus, c.ContainerName)
			}
		}
	}
	defs := map[string]*ecs.TaskDefinition{}
	var err error
	ag.st.Store.View(func() {
		var ck, arn string
		ck, _, err = ag.st.ActiveCluster(ctx, cluster)
		if err != nil {
			return
		}
		var r *state.Instance
		if _, r, err = ag.st.FindInstance(ck, instance); err != nil {
			return
		}
		if !r.Remote {
			err = ecs.InvalidParameter("The container instance %s is not an external instance registered by an agent.", r.Instance.ContainerInstanceArn)
			return
		}
		arn = r.Instance.ContainerInstanceArn
		for _, th := range tasks {
			var tr *state.Task
			if _, tr, err = ag.st.ResolveTask(ctx, cluster, th.TaskArn); err != nil {
				return
			}
			if tr.Task.ContainerInstanceArn != arn {
				err = ecs.Errorf(ecs.CodeAccessDenied, "The task %s is not placed on container instance %s.", th.TaskArn, arn)
				return
			}
			for _, c := range th.Containers {
				if containerIndex(tr.Task, c.ContainerName) < 0 {
					// Checked here for every task first, so that a bad report
					// changes no task at all.
					err = ecs.InvalidParameter("The task has no container named %s.", c.ContainerName)
					return
				}
			}
			defs[tr.Task.TaskArn], err = ag.taskDef(tr.Task.TaskDefinitionArn)
			if err != nil {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	for _, th := range tasks {
		td := defs[th.TaskArn]
		if err := ag.applyReport(th.TaskArn, func(t *ecs.Task) error { return applyHealth(t, td, th.Containers) }); err != nil {
			return err
		}
	}
	return nil
}

// taskDef decodes the task definition arn. Call it inside a store view.
func (ag *Agents) taskDef(arn string) (*ecs.TaskDefinition, error) {
	ta, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(ta.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	rec, ok := ag.st.TaskDefs.Get(state.Key(ta.Region, family, state.RevKey(n)))
	if !ok {
		return nil, ecs.InvalidParameter("The task definition %s of the task was not found.", arn)
	}
	return rec.Decode()
}

// applyHealth sets the reported containers' healthStatus and the task's.
func applyHealth(t *ecs.Task, td *ecs.TaskDefinition, cs []ContainerHealthReport) error {
	for _, c := range cs {
		i := containerIndex(t, c.ContainerName)
		if i < 0 {
			return ecs.InvalidParameter("The task has no container named %s.", c.ContainerName)
		}
		t.Containers[i].HealthStatus = c.HealthStatus
	}
	hs := make([]ecs.ContainerHealth, 0, len(t.Containers))
	for _, ct := range t.Containers {
		h := ecs.ContainerHealth{Status: ct.HealthStatus}
		for j := range td.ContainerDefinitions {
			if cd := &td.ContainerDefinitions[j]; ecs.Deref(cd.Name) == ct.Name {
				h.Essential, h.HasCheck = cd.IsEssential(), cd.HealthCheck != nil
			}
		}
		hs = append(hs, h)
	}
	t.HealthStatus = ecs.TaskHealth(hs)
	return nil
}

func containerIndex(t *ecs.Task, name string) int {
	for i := range t.Containers {
		if t.Containers[i].Name == name {
			return i
		}
	}
	return -1
}
