package emulator

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
)

// DescribeTasks describes tasks of a cluster by ID or ARN; unknown ones are reported in
// failures with reason MISSING.
func (e *Emulator) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput) (*ecs.TasksOutput, error) {
	switch {
	case len(in.Tasks) == 0:
		return nil, ecs.InvalidParameter("Tasks cannot be empty.")
	case len(in.Tasks) > 100:
		return nil, ecs.InvalidParameter("tasks can have at most 100 items.")
	}
	if err := check.Include(in.Include, ecs.EnumTaskField); err != nil {
		return nil, err
	}
	withTags := slices.Contains(in.Include, "TAGS")
	out := &ecs.TasksOutput{Tasks: []*ecs.Task{}, Failures: []ecs.Failure{}}
	var err error
	e.store.View(func() {
		ck, c, cerr := e.st.ActiveCluster(ctx, in.Cluster)
		if cerr != nil {
			err = cerr
			return
		}
		sc := ecs.Scope{Region: state.LastRegion(ck), Account: e.cfg.AccountID}
		for _, ref := range in.Tasks {
			_, r, rerr := e.st.ResolveTask(ctx, in.Cluster, ref)
			if rerr != nil {
				arn := ref
				if _, isARN := ecs.ParseARN(ref); !isARN {
					arn = sc.TaskARN(c.ClusterName, ref)
				}
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			t := r.Task
			if !withTags && len(t.Tags) > 0 {
				cp := *t
				cp.Tags = nil
				t = &cp
			}
			out.Tasks = append(out.Tasks, t)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListTasks lists task ARNs of a cluster. As in ECS, without a desiredStatus filter it
// lists tasks whose desired status is RUNNING; PENDING is accepted and matches nothing.
func (e *Emulator) ListTasks(ctx context.Context, in *ecs.ListTasksInput) (*ecs.ListTasksOutput, error) {
	desired := ecs.StatusRunning
	if in.DesiredStatus != "" {
		s, err := ecs.ParseTaskStatus(in.DesiredStatus)
		if err != nil || !s.IsDesired() || !ecs.EnumDesiredStatus.Has(in.DesiredStatus) {
			return nil, ecs.InvalidParameter("Invalid desiredStatus '%s'. Valid values: %s.", in.DesiredStatus, ecs.EnumDesiredStatus.List())
		}
		desired = s
	}
	if in.Family != "" && !taskdefs.FamilyRE.MatchString(in.Family) {
		return nil, ecs.InvalidParameter("family must match ^[a-zA-Z0-9\\-_]+$")
	}
	if in.ServiceName != "" && in.Family != "" {
		return nil, ecs.InvalidParameter("The family and serviceName parameters cannot be specified together.")
	}
	out := &ecs.ListTasksOutput{TaskArns: []string{}}
	var err error
	e.store.View(func() {
		ck, c, cerr := e.st.ActiveCluster(ctx, in.Cluster)
		if cerr != nil {
			err = cerr
			return
		}
		prefix := state.TaskKey(state.LastRegion(ck), c.ClusterName, "")
		p, perr := paging.New(in.ListInput, prefix, 100, 100)
		if perr != nil {
			err = perr
			return
		}
		var rs []*taskRecord
		rs, out.NextToken = paging.List(e.tasks, p, prefix, false, func(_ string, r *taskRecord) bool {
			return taskMatches(r.Task, in, desired)
		})
		for _, r := range rs {
			out.TaskArns = append(out.TaskArns, r.Task.TaskArn)
		}
	})
	return out, err
}

func taskMatches(t *ecs.Task, in *ecs.ListTasksInput, desired ecs.TaskStatus) bool {
	switch {
	case t.DesiredStatus != desired:
		// ECS never sets a desired status of PENDING, so that filter lists nothing.
		return false
	case in.Family != "" && !strings.Contains(t.TaskDefinitionArn, ":task-definition/"+in.Family+":"):
		return false
	case in.StartedBy != "" && t.StartedBy != in.StartedBy:
		return false
	case in.ServiceName != "" && t.Group != "service:"+in.ServiceName:
		return false
	case in.LaunchType != "" && t.LaunchType != in.LaunchType:
		return false
	case in.ContainerInstance != "" && !strings.HasSuffix(t.ContainerInstanceArn, "/"+in.ContainerInstance) && t.ContainerInstanceArn != in.ContainerInstance:
		return false
	}
	return true
}

// reapStoppedTasks forgets tasks that have been STOPPED for longer than ttl.
func (e *Emulator) reapStoppedTasks(now time.Time, ttl time.Duration) error {
	return e.store.Update(func(tx *store.Tx) error {
		var doomed []string
		e.tasks.Ascend("", func(k string, r *taskRecord) bool {
			t := r.Task
			if t.LastStatus == ecs.StatusStopped && t.StoppedAt != nil && now.Sub(t.StoppedAt.Time) >= ttl {
				doomed = append(doomed, k)
			}
			return true
		})
		for _, k := range doomed {
			e.tasks.Delete(tx, k)
		}
		return nil
	})
}
