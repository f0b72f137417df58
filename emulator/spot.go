package emulator

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// fargateCtl is the bookkeeping of the Fargate simulation: the Spot tasks held back for
// want of capacity, the random interruption rate, and the wake-up of its loop.
type fargateCtl struct {
	mu     sync.Mutex
	held   map[string]bool // task ARNs recorded but not handed to the agent
	rate   time.Duration   // mean time between interruptions per Spot task; 0 = none
	quotas FargateQuotas
	loop   *loop
}

func newFargateCtl(l *loop) *fargateCtl {
	return &fargateCtl{held: map[string]bool{}, loop: l}
}

// randomSpot says whether Spot tasks are interrupted at random.
func (f *fargateCtl) randomSpot() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rate > 0
}

func (f *fargateCtl) poke() { f.loop.poke() }

// SetSpotInterruptionRate makes the emulator reclaim each running Fargate Spot task
// after a random time with this mean (0 turns it off).
func (e *Emulator) SetSpotInterruptionRate(mean time.Duration) {
	e.fg.mu.Lock()
	e.fg.rate = max(mean, 0)
	e.fg.mu.Unlock()
	e.fg.poke()
}

// launch hands recorded tasks to the agent, except Fargate Spot tasks of a cluster
// without Spot capacity: they wait in PROVISIONING, with no fallback to on-demand, until
// capacity returns (tasks spec §3.5); and tasks waiting for an Auto Scaling group's
// capacity, which wait in PROVISIONING until runEC2 places them.
func (e *Emulator) launch(arns ...string) {
	if e.runner == nil {
		return
	}
	for _, arn := range arns {
		if e.holdForSpot(arn) {
			continue
		}
		e.runner.Launch(arn)
	}
}

func (e *Emulator) holdForSpot(arn string) bool {
	a, _ := ecs.ParseARN(arn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	held := false
	e.store.View(func() {
		r, ok := e.tasks.Get(state.TaskKey(a.Region, cluster, id))
		if ok && r.Placement != nil {
			// It waits for an Auto Scaling group's instance (runEC2 places it, and
			// managed scaling counts it).
			held = true
			e.ec2.poke()
			return
		}
		if !ok || r.Task.CapacityProviderName != ecs.FargateSpot {
			return
		}
		s, ok := e.spot.Get(state.Key(a.Region, cluster))
		held = ok && s.Unavailable
	})
	if held {
		e.fg.mu.Lock()
		e.fg.held[arn] = true
		e.fg.mu.Unlock()
	}
	return held
}

// nudge tells the agent a task's desired status changed. A held Spot task never reached
// the agent, so it is recorded STOPPED here.
func (e *Emulator) nudge(arn string) {
	e.fg.mu.Lock()
	held := e.fg.held[arn]
	delete(e.fg.held, arn)
	e.fg.mu.Unlock()
	if !held {
		if e.runner != nil {
			e.runner.Nudge(arn)
		}
		return
	}
	now := e.cfg.Clock.Now()
	if _, err := e.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.StoppedAt, t.ExecutionStoppedAt = ecs.StatusStopped, ecs.At(now), ecs.At(now)
		for i := range t.Containers {
			t.Containers[i].LastStatus = ecs.ContainerStopped
		}
		return nil
	}); err != nil {
		e.st.LogError("stop a task held for Spot capacity", err)
	}
}

// SpotCapacity says whether a cluster has Fargate Spot capacity.
func (e *Emulator) SpotCapacity(ctx context.Context, cluster string) (bool, error) {
	var available bool
	var err error
	e.store.View(func() {
		var ck string
		if ck, _, err = e.st.ActiveCluster(ctx, cluster); err == nil {
			s, ok := e.spot.Get(ck)
			available = !ok || !s.Unavailable
		}
	})
	return available, err
}

// SetSpotCapacity makes Fargate Spot capacity unavailable or available in a cluster.
// Restoring it launches the Spot tasks that waited.
func (e *Emulator) SetSpotCapacity(ctx context.Context, cluster string, available bool) error {
	var ck string
	err := e.store.Update(func(tx *store.Tx) error {
		var err error
		if ck, _, err = e.st.ActiveCluster(ctx, cluster); err != nil {
			return err
		}
		e.spot.Put(tx, ck, &spotRecord{Unavailable: !available})
		return nil
	})
	if err != nil || !available {
		return err
	}
	prefix := strings.ReplaceAll(ck, "\x00", ":") // region:cluster, as in task ARNs
	region, name, _ := strings.Cut(prefix, ":")
	e.fg.mu.Lock()
	var ready []string
	for arn := range e.fg.held {
		if a, ok := ecs.ParseARN(arn); ok && a.Region == region && strings.HasPrefix(a.Path(), name+"/") {
			ready = append(ready, arn)
			delete(e.fg.held, arn)
		}
	}
	e.fg.mu.Unlock()
	e.launch(ready...)
	return nil
}

// InterruptSpot reclaims running Fargate Spot tasks as AWS does: ECS records them with
// desiredStatus STOPPED, stopCode SpotInterruption and "Your Spot Task was interrupted."
// while they still run (the two-minute warning), and the agent sends SIGTERM, then
// SIGKILL after the stopTimeout (tasks spec §3.5). Tasks are named, or all of a
// service's (up to count when count > 0). It returns the ARNs interrupted.
func (e *Emulator) InterruptSpot(ctx context.Context, cluster string, tasks []string, service string, count int) ([]string, error) {
	var targets []string
	var err error
	e.store.View(func() {
		targets, err = e.spotTargets(ctx, cluster, tasks, service, count)
	})
	if err != nil {
		return nil, err
	}
	for _, arn := range targets {
		if err := e.interrupt(arn); err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// spotTargets resolves what InterruptSpot names. It must run inside a store View.
func (e *Emulator) spotTargets(ctx context.Context, cluster string, tasks []string, service string, count int) ([]string, error) {
	var out []string
	if service != "" {
		k, _, err := e.st.FindService(ctx, cluster, service)
		if err != nil {
			return nil, err
		}
		for _, tk := range e.ctl.memberKeys(k) {
			if r, ok := e.tasks.Get(tk); ok && runningSpot(r.Task) && (count <= 0 || len(out) < count) {
				out = append(out, r.Task.TaskArn)
			}
		}
		if len(out) == 0 {
			return nil, ecs.InvalidParameter("Service %s has no running Fargate Spot task.", service)
		}
		return out, nil
	}
	if len(tasks) == 0 {
		return nil, ecs.InvalidParameter("Name the tasks to interrupt, or a service.")
	}
	for _, ref := range tasks {
		_, r, err := e.st.ResolveTask(ctx, cluster, ref)
		if err != nil {
			return nil, err
		}
		if !runningSpot(r.Task) {
			return nil, ecs.InvalidParameter("Task %s is not a running Fargate Spot task (capacity provider %q, status %s).",
				ref, r.Task.CapacityProviderName, r.Task.LastStatus)
		}
		out = append(out, r.Task.TaskArn)
	}
	return out, nil
}

func runningSpot(t *ecs.Task) bool {
	return t.CapacityProviderName == ecs.FargateSpot && t.LastStatus == ecs.StatusRunning && t.DesiredStatus == ecs.StatusRunning
}

// interrupt records one Spot interruption and has the agent stop the task.
func (e *Emulator) interrupt(arn string) error {
	now := e.cfg.Clock.Now()
	_, err := e.UpdateTask(arn, func(t *ecs.Task) error {
		if !runningSpot(t) {
			return errUnchanged
		}
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopSpotInterruption, fargate.SpotInterruptionReason
		t.StoppingAt = ecs.At(now)
		return nil
	})
	if err == errUnchanged {
		return nil
	}
	if err != nil {
		return fmt.Errorf("interrupt %s: %w", arn, err)
	}
	e.nudge(arn)
	return nil
}
