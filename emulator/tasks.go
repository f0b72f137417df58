package emulator

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// TaskRunner runs the tasks the control plane records: the agent. Launch is called once
// a task is committed in PROVISIONING; Nudge when its desired status changes.
type TaskRunner interface {
	Launch(taskARN string)
	Nudge(taskARN string)
}

// StoppedTaskTTL is how long STOPPED tasks stay visible by default (ECS: at least an
// hour); Config.StoppedTaskTTL changes it.
const StoppedTaskTTL = time.Hour

// UpdateTask applies change to a copy of the stored task and commits it with its version
// incremented, as ECS increments a task's version on every change; a change that
// changes nothing commits nothing. The agent reports through it.
func (e *Emulator) UpdateTask(taskARN string, change func(t *ecs.Task) error) (*ecs.Task, error) {
	a, ok := ecs.ParseARN(taskARN)
	cluster, id, ok2 := strings.Cut(a.Path(), "/")
	if !ok || !ok2 {
		return nil, ecs.InvalidParameter("Task Identifier is invalid")
	}
	var out, changed *ecs.Task
	var service string
	var daemon bool // a managed daemon's task: the daemon reconciler counts it
	err := e.store.Update(func(tx *store.Tx) error {
		k := state.TaskKey(a.Region, cluster, id)
		r, ok := e.tasks.Get(k)
		if !ok {
			return ecs.InvalidParameter("The referenced task was not found.")
		}
		t := state.CloneTask(r.Task)
		if err := change(t); err != nil {
			return err
		}
		out = t
		if reflect.DeepEqual(t, r.Task) {
			return nil // nothing changed: no new version, nothing to journal
		}
		t.Version++
		next := *r
		next.Task = t
		e.tasks.Put(tx, k, &next)
		service, changed, daemon = r.Service, t, r.Daemon && r.Service == ""
		return nil
	})
	if err == nil {
		e.ev.Tasks(changed) // ECS Task State Change (events_emit.go)
	}
	if out != nil && out.CapacityProviderName == ecs.FargateSpot && e.fg.RandomSpot() {
		// A Spot task's random interruption is drawn from when it is RUNNING. Without a
		// rate nothing is drawn, and the Fargate loop need not scan the tasks again.
		e.loop.poke()
	}
	if changed != nil && changed.LastStatus == ecs.StatusStopped && changed.ContainerInstanceArn != "" {
		// Its instance has room again: waiting tasks may fit, and a draining or
		// scaled-in instance may now be empty (runEC2).
		e.loop.poke()
	}
	if service != "" && err == nil {
		e.ctl.MarkDirty(service)
	}
	if daemon && err == nil {
		e.loop.poke()
	}
	return out, err
}

// Task returns a stored task and its task definition (for the agent).
func (e *Emulator) Task(taskARN string) (*ecs.Task, *ecs.TaskDefinition, error) {
	a, _ := ecs.ParseARN(taskARN)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	var r *taskRecord
	var td *taskDefRecord
	e.store.View(func() {
		r, _ = e.tasks.Get(state.TaskKey(a.Region, cluster, id))
		if r != nil {
			ta, _ := ecs.ParseARN(r.Task.TaskDefinitionArn)
			family, rev, _ := strings.Cut(ta.Path(), ":")
			n, _ := state.AtoiPositive(rev)
			td, _ = e.taskDefs.Get(state.Key(ta.Region, family, state.RevKey(n)))
		}
	})
	var def *ecs.TaskDefinition
	if r != nil && td == nil && r.Daemon && r.Service == "" {
		def = e.dm.TaskDefinition(r.Task.TaskDefinitionArn) // a managed daemon's task
	}
	if r == nil || (td == nil && def == nil) {
		return nil, nil, ecs.InvalidParameter("The referenced task was not found.")
	}
	if def == nil {
		var err error
		if def, err = td.Decode(); err != nil {
			return nil, nil, err
		}
	}
	t := state.CloneTask(r.Task)
	if r.Draining && t.LastStatus < ecs.StatusStopping {
		// The control loop stops the task once its load balancer target has drained;
		// until then the agent must keep it running.
		t.DesiredStatus = ecs.StatusRunning
	}
	return t, def, nil
}

// StopTask asks a task to stop. The agent signals its containers; the task passes
// through STOPPING to STOPPED.
func (e *Emulator) StopTask(ctx context.Context, in *ecs.StopTaskInput) (*ecs.TaskOutput, error) {
	if in.Task == "" {
		return nil, ecs.InvalidParameter("Task Identifier is invalid")
	}
	_, r, err := e.viewTask(ctx, in.Cluster, in.Task)
	if err != nil {
		return nil, err
	}
	t, err := e.UpdateTask(r.Task.TaskArn, func(t *ecs.Task) error {
		if t.DesiredStatus == ecs.StatusStopped {
			return errUnchanged
		}
		reason := in.Reason
		if reason == "" {
			reason = "Task stopped by user"
		}
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopUserInitiated, reason
		t.StoppingAt = ecs.At(e.cfg.Clock.Now())
		return nil
	})
	if err == errUnchanged {
		return &ecs.TaskOutput{Task: r.Task}, nil
	}
	if err != nil {
		return nil, err
	}
	e.fg.Nudge(t.TaskArn)
	return &ecs.TaskOutput{Task: t}, nil
}

// errUnchanged tells UpdateTask's caller that nothing needed changing.
var errUnchanged = state.ErrUnchanged

func (e *Emulator) viewTask(ctx context.Context, cluster, ref string) (string, *taskRecord, error) {
	var k string
	var r *taskRecord
	var err error
	e.store.View(func() { k, r, err = e.st.ResolveTask(ctx, cluster, ref) })
	return k, r, err
}

// UnfinishedTasks lists the tasks that are not STOPPED: at start-up, the tasks a
// previous ecsmini left running when it was killed.
func (e *Emulator) UnfinishedTasks() []string {
	var arns []string
	e.store.View(func() {
		e.tasks.Ascend("", func(_ string, r *taskRecord) bool {
			if r.Task.LastStatus != ecs.StatusStopped && !e.agents.OnRemote(r.Task) {
				arns = append(arns, r.Task.TaskArn)
			}
			return true
		})
	})
	return arns
}

// StopOrphanedTasks records as STOPPED, with reason, every unfinished task that keep
// does not claim (nil keeps none): at start-up these are tasks whose ecsmini ended
// without stopping them and whose containers are gone. It returns their ARNs.
func (e *Emulator) StopOrphanedTasks(reason string, keep func(taskARN string) bool) ([]string, error) {
	var arns []string
	var stopped []*ecs.Task
	err := e.store.Update(func(tx *store.Tx) error {
		now := e.cfg.Clock.Now()
		e.tasks.Ascend("", func(k string, r *taskRecord) bool {
			if r.Task.LastStatus == ecs.StatusStopped || (keep != nil && keep(r.Task.TaskArn)) || e.agents.OnRemote(r.Task) {
				return true
			}
			t := state.CloneTask(r.Task)
			t.DesiredStatus, t.LastStatus = ecs.StatusStopped, ecs.StatusStopped
			if t.StopCode == "" {
				t.StopCode, t.StoppedReason = ecs.StopTerminationNotice, reason
			}
			t.StoppedAt = ecs.At(now)
			if t.ExecutionStoppedAt == nil {
				t.ExecutionStoppedAt = ecs.At(now)
			}
			for i := range t.Containers {
				t.Containers[i].LastStatus = ecs.ContainerStopped
				t.Containers[i].NetworkBindings = []ecs.NetworkBinding{}
			}
			t.Version++
			next := *r
			next.Task = t
			e.tasks.Put(tx, k, &next)
			arns, stopped = append(arns, t.TaskArn), append(stopped, t)
			return true
		})
		return nil
	})
	if err == nil {
		e.ev.Tasks(stopped...)
	}
	return arns, err
}
