package fargatectl

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// Host is what the Fargate reconciler asks of the rest of the control plane.
type Host interface {
	// UpdateTask changes a task in one transaction and publishes the change
	// (Emulator.UpdateTask); a change that returns state.ErrUnchanged writes nothing.
	UpdateTask(taskARN string, change func(t *ecs.Task) error) (*ecs.Task, error)
	// MemberKeys are the store keys of a service's tasks; MarkDirty has the service
	// planned on the next pass.
	MemberKeys(serviceKey string) []string
	MarkDirty(serviceKey string)
	// EmitHealth publishes AWS Health's notice of scheduled retirements.
	EmitHealth(retirements []Retirement)
	// EffectiveSetting is an account setting as it applies to principal.
	EffectiveSetting(sc ecs.Scope, principal, name string) ecs.Setting
	// HasAgent says whether an agent runs tasks; without one tasks are only recorded.
	HasAgent() bool
	// AgentLaunch and AgentNudge hand a task to the agent (no-ops without one).
	AgentLaunch(taskARN string)
	AgentNudge(taskARN string)
}

// Ctl is the Fargate simulation: the Spot tasks held back for want of capacity, random
// Spot interruptions, the retirement of standalone tasks and the account's vCPU quotas.
type Ctl struct {
	st   *state.State
	host Host
	poke func() // asks the control loop for a pass

	mu     sync.Mutex
	held   map[string]bool // task ARNs recorded but not handed to the agent
	rate   time.Duration   // mean time between interruptions per Spot task; 0 = none
	quotas admission.FargateQuotas
}

// New is the Fargate reconciler of st; poke asks the control loop for a pass.
func New(st *state.State, host Host, poke func()) *Ctl {
	return &Ctl{st: st, host: host, poke: poke, held: map[string]bool{}}
}

// RandomSpot says whether Spot tasks are interrupted at random.
func (f *Ctl) RandomSpot() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rate > 0
}

// SetInterruptionRate makes each running Fargate Spot task be reclaimed after a random
// time with this mean (0 turns it off).
func (f *Ctl) SetInterruptionRate(mean time.Duration) {
	f.mu.Lock()
	f.rate = max(mean, 0)
	f.mu.Unlock()
	f.poke()
}

// Quotas are the vCPU quotas admission holds new Fargate tasks to.
func (f *Ctl) Quotas() admission.FargateQuotas {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.quotas
}

// SetQuotas sets the vCPU quotas.
func (f *Ctl) SetQuotas(q admission.FargateQuotas) {
	f.mu.Lock()
	f.quotas = q
	f.mu.Unlock()
}

// Launch hands recorded tasks to the agent, except Fargate Spot tasks of a cluster
// without Spot capacity: they wait in PROVISIONING, with no fallback to on-demand, until
// capacity returns (tasks spec §3.5); and tasks waiting for an Auto Scaling group's
// capacity, which wait in PROVISIONING until runEC2 places them.
func (f *Ctl) Launch(arns ...string) {
	if !f.host.HasAgent() {
		return
	}
	for _, arn := range arns {
		if f.holdForSpot(arn) {
			continue
		}
		f.host.AgentLaunch(arn)
	}
}

func (f *Ctl) holdForSpot(arn string) bool {
	a, _ := ecs.ParseARN(arn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	held := false
	f.st.Store.View(func() {
		r, ok := f.st.Tasks.Get(state.TaskKey(a.Region, cluster, id))
		if ok && r.Placement != nil {
			// It waits for an Auto Scaling group's instance (runEC2 places it, and
			// managed scaling counts it).
			held = true
			f.poke()
			return
		}
		if !ok || r.Task.CapacityProviderName != ecs.FargateSpot {
			return
		}
		s, ok := f.st.Spot.Get(state.Key(a.Region, cluster))
		held = ok && s.Unavailable
	})
	if held {
		f.mu.Lock()
		f.held[arn] = true
		f.mu.Unlock()
	}
	return held
}

// Nudge tells the agent a task's desired status changed. A held Spot task never reached
// the agent, so it is recorded STOPPED here.
func (f *Ctl) Nudge(arn string) {
	f.mu.Lock()
	held := f.held[arn]
	delete(f.held, arn)
	f.mu.Unlock()
	if !held {
		f.host.AgentNudge(arn)
		return
	}
	now := f.st.Clock.Now()
	if _, err := f.host.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.StoppedAt, t.ExecutionStoppedAt = ecs.StatusStopped, ecs.At(now), ecs.At(now)
		for i := range t.Containers {
			t.Containers[i].LastStatus = ecs.ContainerStopped
		}
		return nil
	}); err != nil {
		f.st.LogError("stop a task held for Spot capacity", err)
	}
}

// SpotCapacity says whether a cluster has Fargate Spot capacity.
func (f *Ctl) SpotCapacity(ctx context.Context, cluster string) (bool, error) {
	var available bool
	var err error
	f.st.Store.View(func() {
		var ck string
		if ck, _, err = f.st.ActiveCluster(ctx, cluster); err == nil {
			s, ok := f.st.Spot.Get(ck)
			available = !ok || !s.Unavailable
		}
	})
	return available, err
}

// SetSpotCapacity makes Fargate Spot capacity unavailable or available in a cluster.
// Restoring it launches the Spot tasks that waited.
func (f *Ctl) SetSpotCapacity(ctx context.Context, cluster string, available bool) error {
	var ck string
	err := f.st.Store.Update(func(tx *store.Tx) error {
		var err error
		if ck, _, err = f.st.ActiveCluster(ctx, cluster); err != nil {
			return err
		}
		f.st.Spot.Put(tx, ck, &state.Spot{Unavailable: !available})
		return nil
	})
	if err != nil || !available {
		return err
	}
	prefix := strings.ReplaceAll(ck, "\x00", ":") // region:cluster, as in task ARNs
	region, name, _ := strings.Cut(prefix, ":")
	f.mu.Lock()
	var ready []string
	for arn := range f.held {
		if a, ok := ecs.ParseARN(arn); ok && a.Region == region && strings.HasPrefix(a.Path(), name+"/") {
			ready = append(ready, arn)
			delete(f.held, arn)
		}
	}
	f.mu.Unlock()
	f.Launch(ready...)
	return nil
}

// InterruptSpot reclaims running Fargate Spot tasks as AWS does: ECS records them with
// desiredStatus STOPPED, stopCode SpotInterruption and "Your Spot Task was interrupted."
// while they still run (the two-minute warning), and the agent sends SIGTERM, then
// SIGKILL after the stopTimeout (tasks spec §3.5). Tasks are named, or all of a
// service's (up to count when count > 0). It returns the ARNs interrupted.
func (f *Ctl) InterruptSpot(ctx context.Context, cluster string, tasks []string, service string, count int) ([]string, error) {
	var targets []string
	var err error
	f.st.Store.View(func() {
		targets, err = f.spotTargets(ctx, cluster, tasks, service, count)
	})
	if err != nil {
		return nil, err
	}
	for _, arn := range targets {
		if err := f.interrupt(arn); err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// spotTargets resolves what InterruptSpot names. It must run inside a store View.
func (f *Ctl) spotTargets(ctx context.Context, cluster string, tasks []string, service string, count int) ([]string, error) {
	var out []string
	if service != "" {
		k, _, err := f.st.FindService(ctx, cluster, service)
		if err != nil {
			return nil, err
		}
		for _, tk := range f.host.MemberKeys(k) {
			if r, ok := f.st.Tasks.Get(tk); ok && runningSpot(r.Task) && (count <= 0 || len(out) < count) {
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
		_, r, err := f.st.ResolveTask(ctx, cluster, ref)
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
func (f *Ctl) interrupt(arn string) error {
	now := f.st.Clock.Now()
	_, err := f.host.UpdateTask(arn, func(t *ecs.Task) error {
		if !runningSpot(t) {
			return state.ErrUnchanged
		}
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopSpotInterruption, fargate.SpotInterruptionReason
		t.StoppingAt = ecs.At(now)
		return nil
	})
	if err == state.ErrUnchanged {
		return nil
	}
	if err != nil {
		return fmt.Errorf("interrupt %s: %w", arn, err)
	}
	f.Nudge(arn)
	return nil
}

// Release hands held tasks to the agent once nothing holds them any more.
func (f *Ctl) Release(arns ...string) {
	f.mu.Lock()
	for _, arn := range arns {
		delete(f.held, arn)
	}
	f.mu.Unlock()
	f.Launch(arns...)
}
