package composeapply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// waitForDependencies holds a service back until each service it depends on meets
// the depends_on condition, as docker compose does, by polling the API:
//
//   - service_started: a task of the dependency is RUNNING;
//   - service_healthy: a task of the dependency is RUNNING and HEALTHY;
//   - service_completed_successfully: the dependency's one-off task has STOPPED with
//     every essential container's exit code 0 (a failure is an error).
//
// A dependency that is not part of the plan (another profile) is skipped unless it
// is required.
func (a *applier) waitForDependencies(ctx context.Context, plan *composeimport.Plan, s *composeimport.Service) error {
	for _, d := range s.DependsOn {
		dep, ok := plan.Service(d.Service)
		if !ok {
			if d.Required {
				return fmt.Errorf("depends on %s, which is not in the project (another profile?)", d.Service)
			}
			continue
		}
		if err := a.waitFor(ctx, plan.Cluster, dep, d.Condition); err != nil {
			return fmt.Errorf("waiting for %s to be %s: %w", d.Service, ConditionWord(d.Condition), err)
		}
	}
	return nil
}

func ConditionWord(cond string) string {
	switch cond {
	case composeimport.ConditionHealthy:
		return "healthy"
	case composeimport.ConditionCompleted:
		return "completed successfully"
	}
	return "started"
}

func (a *applier) waitFor(ctx context.Context, cluster string, dep *composeimport.Service, cond string) error {
	timeout := a.depTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	poll := a.poll
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	said := false
	for {
		ok, err := a.conditionMet(ctx, cluster, dep, cond)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if !said {
			a.logf("waiting for %s to be %s", dep.Name, ConditionWord(cond))
			said = true
		}
		if err := a.pause(ctx, poll); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("not so after %s", timeout)
			}
			return err
		}
	}
}

// pause waits d before the next check, or until ctx ends.
func (a *applier) pause(ctx context.Context, d time.Duration) error {
	if a.wait != nil {
		if err := a.wait(ctx, d); err != nil {
			return err
		}
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// conditionMet looks at the dependency's tasks once.
func (a *applier) conditionMet(ctx context.Context, cluster string, dep *composeimport.Service, cond string) (bool, error) {
	filter := ecs.ListTasksInput{Cluster: cluster}
	if dep.RunTask != nil {
		filter.StartedBy = dep.RunTask.StartedBy
	} else {
		filter.ServiceName = dep.Service.ServiceName
	}
	running, err := a.c.ListTasks(ctx, filter)
	if err != nil {
		return false, err
	}
	filter.DesiredStatus = "STOPPED"
	stopped, err := a.c.ListTasks(ctx, filter)
	if err != nil {
		return false, err
	}
	tasks, err := a.c.DescribeTasks(ctx, cluster, append(running, stopped...))
	if err != nil {
		return false, err
	}
	if err := failingToStart(dep, tasks); err != nil {
		return false, err
	}
	for _, t := range tasks {
		switch cond {
		case composeimport.ConditionCompleted:
			if t.LastStatus != ecs.StatusStopped {
				continue
			}
			for _, c := range t.Containers {
				if code := c.ExitCode; code == nil || *code != 0 {
					return false, fmt.Errorf("its task %s stopped with %s", arnTail(t.TaskArn), exitText(c.ExitCode, t.StoppedReason))
				}
			}
			return true, nil
		case composeimport.ConditionHealthy:
			if t.LastStatus == ecs.StatusRunning && t.HealthStatus == "HEALTHY" {
				return true, nil
			}
		default:
			if t.LastStatus == ecs.StatusRunning || (dep.RunTask != nil && t.LastStatus == ecs.StatusStopped) {
				return true, nil
			}
		}
	}
	return false, nil
}

func exitText(code *int, reason string) string {
	if code == nil {
		return "no exit code (" + reason + ")"
	}
	return fmt.Sprintf("exit code %d", *code)
}

// failStarts is how many of a dependency's tasks may fail to start, with none running,
// before waiting for it is pointless (a missing image, say).
const failStarts = 3

// failingToStart reports a service dependency whose tasks keep failing to start.
func failingToStart(dep *composeimport.Service, tasks []*ecs.Task) error {
	if dep.RunTask != nil {
		return nil
	}
	failed, reason := 0, ""
	for _, t := range tasks {
		if t.LastStatus == ecs.StatusRunning {
			return nil
		}
		if t.StopCode == ecs.StopTaskFailedToStart {
			failed, reason = failed+1, t.StoppedReason
		}
	}
	if failed >= failStarts {
		return fmt.Errorf("%d of its tasks failed to start: %s", failed, reason)
	}
	return nil
}
