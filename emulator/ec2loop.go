package emulator

import (
	"context"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// ReconcileEC2 runs one pass of the EC2 simulation at the clock's now and returns when
// the next one falls due (zero: nothing scheduled). Tests call it directly.
func (e *Emulator) ReconcileEC2() time.Time {
	now := e.cfg.Clock.Now()
	var next time.Time
	at := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	e.endInstances(now, at)
	e.interruptSpotInstances(now, at)
	e.scaleGroups(now, at)
	e.bootInstances(now, at)
	e.placeWaiting()
	return next
}

// SetSpotInstanceInterruptionRate makes the emulator reclaim each running EC2 Spot
// instance after a random time with this mean (0 turns it off).
func (e *Emulator) SetSpotInstanceInterruptionRate(mean time.Duration) {
	e.ec2.mu.Lock()
	e.ec2.spotRate = max(mean, 0)
	e.ec2.mu.Unlock()
	e.ec2.poke()
}

// SpotNotice is how long EC2 warns before it reclaims a Spot instance.
const SpotNotice = 2 * time.Minute

// ManagedDrainingLimit is how long managed draining waits for an instance's tasks
// before the instance terminates anyway (spec §2.5).
const ManagedDrainingLimit = 48 * time.Hour

// InterruptSpotInstance gives a Spot instance EC2's two-minute notice: ECS sets it
// DRAINING (as with ECS_ENABLE_SPOT_INSTANCE_DRAINING) so services move their tasks,
// and the instance terminates when the notice ends (spec §3.6).
func (e *Emulator) InterruptSpotInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return e.changeInstance(ctx, cluster, ref, e.findInstance, func(tx *store.Tx, _, ik string, r *instanceRecord) ([]*ecs.Task, error) {
		if !r.Spot {
			return nil, ecs.InvalidParameter("Container instance %s is not a Spot instance.", ref)
		}
		if r.Instance.Status == ecs.InstanceInactive {
			return nil, ecs.InvalidParameter("Container instance %s is INACTIVE.", ref)
		}
		e.noticeSpot(tx, ik, r)
		return nil, nil
	})
}

// noticeSpot starts a Spot instance's two-minute notice.
func (e *Emulator) noticeSpot(tx *store.Tx, ik string, r *instanceRecord) {
	if r.TerminateAt != nil && !r.ScaleIn {
		return // already noticed
	}
	at := e.cfg.Clock.Now().Add(SpotNotice)
	next := *r
	ci := *r.Instance
	ci.Status, ci.Version = ecs.InstanceDraining, ci.Version+1
	next.Instance, next.TerminateAt, next.ScaleIn = &ci, &at, false
	e.instances.Put(tx, ik, &next)
}

// findInstance resolves an instance by container instance ID or ARN, or by its EC2
// instance ID, as ecsmini's own commands accept either.
func (e *Emulator) findInstance(ck, ref string) (string, *instanceRecord, error) {
	if strings.HasPrefix(ref, "i-") || strings.HasPrefix(ref, "mi-") {
		for _, r := range e.instancesOf(ck) {
			if r.Instance.Ec2InstanceId == ref {
				return instanceKeyOf(r.Instance.ContainerInstanceArn), r, nil
			}
		}
	}
	return e.resolveInstance(ck, ref)
}

// interruptSpotInstances gives notice to Spot instances whose random interruption time
// has come.
func (e *Emulator) interruptSpotInstances(now time.Time, at func(time.Time)) {
	e.ec2.mu.Lock()
	rate := e.ec2.spotRate
	e.ec2.mu.Unlock()
	if rate <= 0 {
		return
	}
	var due []string
	e.store.View(func() {
		e.instances.Ascend("", func(k string, r *instanceRecord) bool {
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
	err := e.store.Update(func(tx *store.Tx) error {
		for _, k := range due {
			if r, ok := e.instances.Get(k); ok {
				e.noticeSpot(tx, k, r)
				arns = append(arns, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		e.logError("EC2 Spot interruption", err)
		return
	}
	e.instancesChanged(arns...)
	at(now.Add(SpotNotice))
}

// endInstances terminates instances whose time has come: at the end of a Spot notice,
// or once a scale-in's draining has emptied them (at most ManagedDrainingLimit). Their
// remaining tasks stop as EC2 takes the host away.
func (e *Emulator) endInstances(now time.Time, at func(time.Time)) {
	var stopped []*ecs.Task
	var gone []string
	err := e.store.Update(func(tx *store.Tx) error {
		for _, ck := range e.clustersWithInstances() {
			c := e.capacityOf(ck)
			for i, r := range c.recs {
				if r.Instance.Status == ecs.InstanceDraining && len(c.tasks[i]) > 0 {
					// Looked at again whenever one of its tasks stops (UpdateTask pokes).
					e.stopDaemonsLast(tx, c.tasks[i], &stopped)
				}
				if r.TerminateAt == nil {
					continue
				}
				empty := len(c.tasks[i]) == 0
				if r.ScaleIn && !empty && now.Before(*r.TerminateAt) {
					continue
				}
				if !r.ScaleIn && now.Before(*r.TerminateAt) {
					at(*r.TerminateAt)
					continue
				}
				stopped = append(stopped, e.stopPlaced(tx, c.tasks[i], ecs.StopTerminationNotice, terminatedReason(r))...)
				e.retire(tx, instanceKeyOf(r.Instance.ContainerInstanceArn), r, "Instance terminated")
				gone = append(gone, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		e.logError("terminate instances", err)
		return
	}
	e.afterStops(stopped)
	if len(gone) > 0 {
		e.instancesChanged(gone...)
		e.ec2.poke() // their groups launch replacements
	}
}

// stopDaemonsLast stops the DAEMON tasks of a draining instance once nothing else runs
// there (spec §5.3).
func (e *Emulator) stopDaemonsLast(tx *store.Tx, placed []*taskRecord, stopped *[]*ecs.Task) {
	for _, tr := range placed {
		if !tr.Daemon {
			return
		}
	}
	*stopped = append(*stopped, e.stopPlaced(tx, placed, ecs.StopServiceSchedulerInitiated, "Container instance is draining")...)
}

// clustersWithInstances lists the cluster keys that have instance records.
func (e *Emulator) clustersWithInstances() []string {
	var out []string
	e.instances.Ascend("", func(k string, _ *instanceRecord) bool {
		ck := k[:strings.LastIndexByte(k, 0)]
		if len(out) == 0 || out[len(out)-1] != ck {
			out = append(out, ck)
		}
		return true
	})
	return out
}

// waitingTasks are the tasks of a cluster waiting for a capacity provider's capacity
// ("" for any provider). It must run inside a store View or Update.
func (e *Emulator) waitingTasks(ck, provider string) []string {
	var out []string
	prefix := ck + "\x00"
	e.tasks.Ascend(prefix, func(k string, tr *taskRecord) bool {
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
func (e *Emulator) placeWaiting() {
	var placed []*ecs.Task
	err := e.store.Update(func(tx *store.Tx) error {
		for _, ck := range e.clustersWithInstances() {
			waiting := e.waitingTasks(ck, "")
			if len(waiting) == 0 {
				continue
			}
			c := e.capacityOf(ck)
			for _, tk := range waiting {
				tr, _ := e.tasks.Get(tk)
				if tr.Need == nil {
					continue
				}
				i, _ := e.placeOn(c, c.within(tr.Task.CapacityProviderName), tr.Placement.request(*tr.Need))
				if i < 0 {
					continue
				}
				next := *tr
				t := cloneTask(tr.Task)
				onInstance(t, c.recs[i])
				t.Version++
				next.Task, next.Placement = t, nil
				e.tasks.Put(tx, tk, &next)
				c.add(i, &next)
				placed = append(placed, t)
			}
		}
		return nil
	})
	if err != nil {
		e.logError("place waiting tasks", err)
		return
	}
	e.emitTasks(placed...)
	var arns []string
	for _, t := range placed {
		arns = append(arns, t.TaskArn)
	}
	e.release(arns...)
}

// release hands held tasks to the agent once nothing holds them any more.
func (e *Emulator) release(arns ...string) {
	e.fg.mu.Lock()
	for _, arn := range arns {
		delete(e.fg.held, arn)
	}
	e.fg.mu.Unlock()
	e.launch(arns...)
}
