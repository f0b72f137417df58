package emulator

import (
	"context"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// UpdateTaskProtection sets or clears the scale-in protection of service tasks: the
// scheduler stops no protected task for scale-in or a deployment until the protection
// expires (spec §5.11). Tasks that no service started come back as TASK_NOT_VALID
// failures, unknown ones as MISSING.
func (e *Emulator) UpdateTaskProtection(ctx context.Context, in *ecs.UpdateTaskProtectionInput) (*ecs.TaskProtectionOutput, error) {
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
	err := e.store.Update(func(tx *store.Tx) error {
		now := e.cfg.Clock.Now()
		for _, ref := range in.Tasks {
			k, r, f, err := e.protectable(ctx, in.Cluster, ref)
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
			e.tasks.Put(tx, k, &next)
			out.ProtectedTasks = append(out.ProtectedTasks, protection(&next, now))
			touched = append(touched, r.Service)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range touched {
		e.ctl.MarkDirty(s)
	}
	return out, nil
}

// GetTaskProtection reports the scale-in protection of service tasks.
func (e *Emulator) GetTaskProtection(ctx context.Context, in *ecs.GetTaskProtectionInput) (*ecs.TaskProtectionOutput, error) {
	if err := checkProtectionTasks(in.Tasks); err != nil {
		return nil, err
	}
	out := &ecs.TaskProtectionOutput{ProtectedTasks: []ecs.ProtectedTask{}, Failures: []ecs.Failure{}}
	var err error
	e.store.View(func() {
		now := e.cfg.Clock.Now()
		for _, ref := range in.Tasks {
			_, r, f, ferr := e.protectable(ctx, in.Cluster, ref)
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
func (e *Emulator) protectable(ctx context.Context, cluster, ref string) (string, *taskRecord, *ecs.Failure, error) {
	k, r, err := e.st.ResolveTask(ctx, cluster, ref)
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
func protection(r *taskRecord, now time.Time) ecs.ProtectedTask {
	p := ecs.ProtectedTask{TaskArn: r.Task.TaskArn}
	if r.ProtectedUntil != nil && now.Before(*r.ProtectedUntil) {
		p.ProtectionEnabled, p.ExpirationDate = true, ecs.At(*r.ProtectedUntil)
	}
	return p
}

// TaskProtection and SetTaskProtection serve a task's own agent endpoint
// (${ECS_AGENT_URI}/task-protection/v1/state).
func (e *Emulator) TaskProtection(taskARN string) (ecs.ProtectedTask, *ecs.Failure, error) {
	out, err := e.GetTaskProtection(context.Background(), &ecs.GetTaskProtectionInput{Cluster: clusterOfTask(taskARN), Tasks: []string{taskARN}})
	return firstProtection(out, err)
}

// SetTaskProtection is UpdateTaskProtection for one task, from inside the task.
func (e *Emulator) SetTaskProtection(taskARN string, enabled bool, minutes *int) (ecs.ProtectedTask, *ecs.Failure, error) {
	out, err := e.UpdateTaskProtection(context.Background(), &ecs.UpdateTaskProtectionInput{Cluster: clusterOfTask(taskARN),
		Tasks: []string{taskARN}, ProtectionEnabled: enabled, ExpiresInMinutes: minutes})
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
