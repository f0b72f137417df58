package ec2ctl

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// Host is what the EC2 reconciler asks of the rest of the control plane.
type Host interface {
	// LaunchInstance registers a new simulated instance as an Auto Scaling group's
	// launch does (Emulator.AddInstance).
	LaunchInstance(ctx context.Context, in Launch) error
	// InstancesChanged publishes instances' new states and has services look again.
	InstancesChanged(arns ...string)
	// EmitTasks publishes ECS Task State Change events.
	EmitTasks(tasks ...*ecs.Task)
	// Nudge tells the agent a task's desired status changed; Release hands tasks that
	// waited for capacity to the agent (fargatectl.Ctl).
	Nudge(taskARN string)
	Release(taskARNs ...string)
	// StartDaemons starts managed daemons' tasks on new instances, before waiting tasks
	// are placed there.
	StartDaemons()
}

// Launch is one instance an Auto Scaling group launches.
type Launch struct {
	Cluster, Type, AZ, CapacityProvider, ASG string
	Spot                                     bool
}

// Ctl is the EC2 simulation: instances booting and ending, EC2 Spot notices and
// random interruptions, Auto Scaling groups' managed scaling and the tasks that wait
// for an instance.
type Ctl struct {
	st   *state.State
	host Host
	rnd  *admission.Random
	poke func() // asks the control loop for a pass

	mu       sync.Mutex
	spotRate time.Duration // mean time between interruptions per Spot instance; 0 = none
}

// New is the EC2 reconciler of st, placing with rnd; poke asks the control loop for a
// pass.
func New(st *state.State, host Host, rnd *admission.Random, poke func()) *Ctl {
	return &Ctl{st: st, host: host, rnd: rnd, poke: poke}
}

// SetSpotRate makes each running EC2 Spot instance be reclaimed after a random time
// with this mean (0 turns it off).
func (ctl *Ctl) SetSpotRate(mean time.Duration) {
	ctl.mu.Lock()
	ctl.spotRate = max(mean, 0)
	ctl.mu.Unlock()
	ctl.poke()
}

// Reconcile runs one pass of the EC2 simulation at the clock's now and returns when
// the next one falls due (zero: nothing scheduled). Tests call it directly.
func (ctl *Ctl) Reconcile() time.Time {
	now := ctl.st.Clock.Now()
	var next time.Time
	at := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	ctl.endInstances(now, at)
	ctl.interruptSpotInstances(now, at)
	ctl.scaleGroups(now, at)
	ctl.bootInstances(now, at)
	ctl.host.StartDaemons()
	ctl.placeWaiting()
	return next
}

// SpotNotice is how long EC2 warns before it reclaims a Spot instance.
const SpotNotice = 2 * time.Minute

// ManagedDrainingLimit is how long managed draining waits for an instance's tasks
// before the instance terminates anyway (spec §2.5).
const ManagedDrainingLimit = 48 * time.Hour

// NoticeSpot starts a Spot instance's two-minute notice.
func (ctl *Ctl) NoticeSpot(tx *store.Tx, ik string, r *state.Instance) {
	if r.TerminateAt != nil && !r.ScaleIn {
		return // already noticed
	}
	at := ctl.st.Clock.Now().Add(SpotNotice)
	next := *r
	ci := *r.Instance
	ci.Status, ci.Version = ecs.InstanceDraining, ci.Version+1
	next.Instance, next.TerminateAt, next.ScaleIn = &ci, &at, false
	ctl.st.Instances.Put(tx, ik, &next)
}

// interruptSpotInstances gives notice to Spot instances whose random interruption time
// has come.
func (ctl *Ctl) interruptSpotInstances(now time.Time, at func(time.Time)) {
	ctl.mu.Lock()
	rate := ctl.spotRate
	ctl.mu.Unlock()
	if rate <= 0 {
		return
	}
	var due []string
	ctl.st.Store.View(func() {
		ctl.st.Instances.Ascend("", func(k string, r *state.Instance) bool {
			if !r.Spot || r.Instance.Status == ecs.InstanceInactive || (r.TerminateAt != nil && !r.ScaleIn) {
				return true
			}
			when := fargate.InterruptionAt(r.Instance.Ec2InstanceId, r.LaunchedAt, rate)
			if when.After(now) {
				at(when)
			} else {
				due = append(due, k)
			}
			return true
		})
	})
	if len(due) == 0 {
		return
	}
	var arns []string
	err := ctl.st.Store.Update(func(tx *store.Tx) error {
		for _, k := range due {
			if r, ok := ctl.st.Instances.Get(k); ok {
				ctl.NoticeSpot(tx, k, r)
				arns = append(arns, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		ctl.st.LogError("EC2 Spot interruption", err)
		return
	}
	ctl.host.InstancesChanged(arns...)
	at(now.Add(SpotNotice))
}

// endInstances terminates instances whose time has come: at the end of a Spot notice,
// or once a scale-in's draining has emptied them (at most ManagedDrainingLimit). Their
// remaining tasks stop as EC2 takes the host away.
func (ctl *Ctl) endInstances(now time.Time, at func(time.Time)) {
	var stopped []*ecs.Task
	var gone []string
	err := ctl.st.Store.Update(func(tx *store.Tx) error {
		for _, ck := range ctl.st.ClustersWithInstances() {
			c := ctl.st.CapacityOf(ck)
			for i, r := range c.Recs {
				if r.Instance.Status == ecs.InstanceDraining && len(c.Tasks[i]) > 0 {
					// Looked at again whenever one of its tasks stops (UpdateTask pokes).
					ctl.stopDaemonsLast(tx, c.Tasks[i], &stopped)
				}
				if r.TerminateAt == nil {
					continue
				}
				empty := len(c.Tasks[i]) == 0
				if r.ScaleIn && !empty && now.Before(*r.TerminateAt) {
					continue
				}
				if !r.ScaleIn && now.Before(*r.TerminateAt) {
					at(*r.TerminateAt)
					continue
				}
				stopped = append(stopped, ctl.StopPlaced(tx, c.Tasks[i], ecs.StopTerminationNotice, TerminatedReason(r))...)
				ctl.RetireInstance(tx, state.InstanceKeyOf(r.Instance.ContainerInstanceArn), r, "Instance terminated")
				gone = append(gone, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		ctl.st.LogError("terminate instances", err)
		return
	}
	ctl.AfterStops(stopped)
	if len(gone) > 0 {
		ctl.host.InstancesChanged(gone...)
		ctl.poke() // their groups launch replacements
	}
}

// stopDaemonsLast stops the DAEMON tasks of a draining instance once nothing else runs
// there (spec §5.3).
func (ctl *Ctl) stopDaemonsLast(tx *store.Tx, placed []*state.Task, stopped *[]*ecs.Task) {
	for _, tr := range placed {
		if !tr.Daemon {
			return
		}
	}
	*stopped = append(*stopped, ctl.StopPlaced(tx, placed, ecs.StopServiceSchedulerInitiated, "Container instance is draining")...)
}

// WaitingTasks are the tasks of a cluster waiting for a capacity provider's capacity
// ("" for any provider). It must run inside a store View or Update.
func (ctl *Ctl) WaitingTasks(ck, provider string) []string {
	var out []string
	prefix := ck + "\x00"
	ctl.st.Tasks.Ascend(prefix, func(k string, tr *state.Task) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if tr.Placement != nil && tr.Task.LastStatus != ecs.StatusStopped && tr.Task.DesiredStatus == ecs.StatusRunning &&
			(provider == "" || tr.Task.CapacityProviderName == provider) {
			out = append(out, k)
		}
		return true
	})
	return out
}

// placeWaiting places tasks that wait for capacity on instances that can now take
// them, and hands them to the agent.
func (ctl *Ctl) placeWaiting() {
	var placed []*ecs.Task
	err := ctl.st.Store.Update(func(tx *store.Tx) error {
		for _, ck := range ctl.st.ClustersWithInstances() {
			waiting := ctl.WaitingTasks(ck, "")
			if len(waiting) == 0 {
				continue
			}
			c := ctl.st.CapacityOf(ck)
			for _, tk := range waiting {
				tr, _ := ctl.st.Tasks.Get(tk)
				if tr.Need == nil {
					continue
				}
				i, _ := ctl.rnd.PlaceOn(c, c.Within(tr.Task.CapacityProviderName), tr.Placement.Request(*tr.Need))
				if i < 0 {
					continue
				}
				next := *tr
				t := state.CloneTask(tr.Task)
				admission.OnInstance(t, c.Recs[i])
				t.Version++
				next.Task, next.Placement = t, nil
				ctl.st.Tasks.Put(tx, tk, &next)
				c.Add(i, &next)
				placed = append(placed, t)
			}
		}
		return nil
	})
	if err != nil {
		ctl.st.LogError("place waiting tasks", err)
		return
	}
	ctl.host.EmitTasks(placed...)
	var arns []string
	for _, t := range placed {
		arns = append(arns, t.TaskArn)
	}
	ctl.host.Release(arns...)
}
