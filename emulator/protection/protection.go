// Package protection is task scale-in protection (UpdateTaskProtection,
// GetTaskProtection, and the task-protection endpoint of a task's agent).
package protection

import (
	"context"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// UpdateTaskProtection sets or clears the scale-in protection of service tasks: the
// scheduler stops no protected task for scale-in or a deployment until the protection
// expires (spec §5.11); markDirty is told each service whose tasks changed. Tasks that no service started come back as TASK_NOT_VALID
// failures, unknown ones as MISSING.
func UpdateTaskProtection(ctx context.Context, st *state.State, in *ecs.UpdateTaskProtectionInput, markDirty func(serviceKey string)) (*ecs.TaskProtectionOutput, error) {
	if err := checkProtectionTasks(in.Tasks); err != nil {
		return nil, err
	}
	minutes := ecs.DefaultProtectionMinutes
	if in.ExpiresInMinutes != nil {
		minutes = *in.ExpiresInMinutes
		if minutes < 1 || minutes > ecs.MaxProtectionMinutes {
			return nil, ecs.InvalidParameter("expiresInMinutes must be between 1 and %d.", ecs.MaxProtectionMinutes)
		}
	}
	out := &ecs.TaskProtectionOutput{ProtectedTasks: []ecs.ProtectedTask{}, Failures: []ecs.Failure{}}
	var touched []string
	err := st.Store.Update(func(tx *store.Tx) error {
		now := st.Clock.Now()
		for _, ref := range in.Tasks {
			k, r, f, err := protectable(ctx, st, in.Cluster, ref)
			if err != nil {
				return err
			}
			if f != nil {
				out.Failures = append(out.Failures, *f)
				continue
			}
			next := *r
			next.ProtectedUntil = nil
			if in.ProtectionEnabled {
				until := now.Add(time.Duration(minutes) * time.Minute)
				next.ProtectedUntil = &until
			}
			st.Tasks.Put(tx, k, &next)
			out.ProtectedTasks = append(out.ProtectedTasks, protection(&next, now))
			touched = append(touched, r.Service)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range touched {
		markDirty(s)
	}
	return out, nil
}

// GetTaskProtection reports the scale-in protection of service tasks.
func GetTaskProtection(ctx context.Context, st *state.State, in *ecs.GetTaskProtectionInput) (*ecs.TaskProtectionOutput, error) {
	if err := checkProtectionTasks(in.Tasks); err != nil {
		return nil, err
	}
	out := &ecs.TaskProtectionOutput{ProtectedTasks: []ecs.ProtectedTask{}, Failures: []ecs.Failure{}}
	var err error
	st.Store.View(func() {
		now := st.Clock.Now()
		for _, ref := range in.Tasks {
			_, r, f, ferr := protectable(ctx, st, in.Cluster, ref)
			if ferr != nil {
				err = ferr
				return
			}
			if f != nil {
				out.Failures = append(out.Failures, *f)
				continue
			}
			out.ProtectedTasks = append(out.ProtectedTasks, protection(r, now))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkProtectionTasks(tasks []string) error {
	switch {
	case len(tasks) == 0:
		return ecs.InvalidParameter("Tasks cannot be empty.")
	case len(tasks) > 10:
		return ecs.InvalidParameter("tasks can have at most 10 items.")
	}
	return nil
}

// protectable finds a task that may carry protection, or the failure ECS reports for it.
func protectable(ctx context.Context, st *state.State, cluster, ref string) (string, *state.Task, *ecs.Failure, error) {
	k, r, err := st.ResolveTask(ctx, cluster, ref)
	if err != nil {
		if ee, ok := ecs.AsError(err); ok && ee.Code == ecs.CodeInvalidParameter {
			return "", nil, &ecs.Failure{Arn: ref, Reason: "MISSING"}, nil
		}
		return "", nil, nil, err
	}
	if r.Service == "" || r.Task.LastStatus == ecs.StatusStopped {
		return "", nil, &ecs.Failure{Arn: r.Task.TaskArn, Reason: "TASK_NOT_VALID"}, nil
	}
	return k, r, nil, nil
}

// protection is a task's protection as the API shows it; expired protection reads as
// none, as ECS sets it back to false on expiry.
func protection(r *state.Task, now time.Time) ecs.ProtectedTask {
	p := ecs.ProtectedTask{TaskArn: r.Task.TaskArn}
	if r.ProtectedUntil != nil && now.Before(*r.ProtectedUntil) {
		p.ProtectionEnabled, p.ExpirationDate = true, ecs.At(*r.ProtectedUntil)
	}
	return p
}

// TaskProtection and SetTaskProtection serve a task's own agent endpoint
// (${ECS_AGENT_URI}/task-protection/v1/state).
func TaskProtection(st *state.State, taskARN string) (ecs.ProtectedTask, *ecs.Failure, error) {
	out, err := GetTaskProtection(context.Background(), st, &ecs.GetTaskProtectionInput{Cluster: clusterOfTask(taskARN), Tasks: []string{taskARN}})
	return firstProtection(out, err)
}

// SetTaskProtection is UpdateTaskProtection for one task, from inside the task.
func SetTaskProtection(st *state.State, markDirty func(serviceKey string), taskARN string, enabled bool, minutes *int) (ecs.ProtectedTask, *ecs.Failure, error) {
	out, err := UpdateTaskProtection(context.Background(), st, &ecs.UpdateTaskProtectionInput{Cluster: clusterOfTask(taskARN),
		Tasks: []string{taskARN}, ProtectionEnabled: enabled, ExpiresInMinutes: minutes}, markDirty)
	return firstProtection(out, err)
}

func firstProtection(out *ecs.TaskProtectionOutput, err error) (ecs.ProtectedTask, *ecs.Failure, error) {
	switch {
	case err != nil:
		return ecs.ProtectedTask{}, nil, err
	case len(out.Failures) > 0:
		return ecs.ProtectedTask{}, &out.Failures[0], nil
	case len(out.ProtectedTasks) == 0:
		return ecs.ProtectedTask{}, nil, ecs.InvalidParameter("The referenced task was not found.")
	}
	return out.ProtectedTasks[0], nil, nil
}

// clusterOfTask is the cluster ARN a long-format task ARN names.
func clusterOfTask(taskARN string) string {
	a, ok := ecs.ParseARN(taskARN)
	if !ok {
		return ""
	}
	sc := ecs.Scope{Region: a.Region, Account: a.Account}
	cluster, _, _ := strings.Cut(a.Path(), "/")
	return sc.ClusterARN(cluster)
}
