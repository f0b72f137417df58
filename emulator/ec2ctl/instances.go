package ec2ctl

import (
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// RetireInstance marks an instance INACTIVE: deregistered, describable for InstanceTTL.
func (ctl *Ctl) RetireInstance(tx *store.Tx, ik string, r *state.Instance, reason string) {
	now := ctl.st.Clock.Now()
	next := *r
	ci := *r.Instance
	ci.Status, ci.AgentConnected, ci.Version, ci.StatusReason = ecs.InstanceInactive, false, ci.Version+1, reason
	next.Instance, next.InactiveAt, next.TerminateAt = &ci, &now, nil
	ctl.st.Instances.Put(tx, ik, &next)
}

// StopPlaced records tasks placed on an instance that goes away as stopping; the agent
// stops their containers once nudged (afterStops).
func (ctl *Ctl) StopPlaced(tx *store.Tx, placed []*state.Task, code, reason string) []*ecs.Task {
	now := ctl.st.Clock.Now()
	var out []*ecs.Task
	for _, tr := range placed {
		if tr.Task.DesiredStatus == ecs.StatusStopped {
			continue
		}
		t := state.CloneTask(tr.Task)
		t.DesiredStatus, t.StopCode, t.StoppedReason, t.StoppingAt = ecs.StatusStopped, code, reason, ecs.At(now)
		t.Version++
		next := *tr
		next.Task, next.Draining = t, false
		id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
		ctl.st.Tasks.Put(tx, state.TaskKey(ctl.st.RegionOf(t.TaskArn), tr.ClusterName, id), &next)
		out = append(out, t)
	}
	return out
}

// AfterStops publishes and carries out stops recorded by stopPlaced.
func (ctl *Ctl) AfterStops(tasks []*ecs.Task) {
	ctl.host.EmitTasks(tasks...)
	for _, t := range tasks {
		ctl.host.Nudge(t.TaskArn)
	}
}

// TerminatedReason is the stoppedReason of a task whose instance went away.
func TerminatedReason(r *state.Instance) string {
	return "Host EC2 (instance " + r.Instance.Ec2InstanceId + ") stopped/terminated."
}

// ProviderOfASG is the ACTIVE capacity provider whose autoScalingGroupArn names the
// group (by ARN or, as ecsmini also accepts, by name).
func (ctl *Ctl) ProviderOfASG(region string, r *state.ASG) *ecs.CapacityProvider {
	return ctl.ProviderOfASGName(region, r.Name)
}

// ProviderOfASGName is the ACTIVE capacity provider of region naming the group name.
func (ctl *Ctl) ProviderOfASGName(region, name string) *ecs.CapacityProvider {
	var found *ecs.CapacityProvider
	prefix := region + "\x00"
	ctl.st.Providers.Ascend(prefix, func(k string, cp *ecs.CapacityProvider) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if p := cp.AutoScalingGroupProvider; cp.Status == ecs.CapacityProviderActive && p != nil &&
			state.ASGNameOf(ctl.st.AccountID, p.AutoScalingGroupArn) == name {
			found = cp
			return false
		}
		return true
	})
	return found
}

func ManagedScaling(cp *ecs.CapacityProvider) bool {
	p := cp.AutoScalingGroupProvider
	return p != nil && p.ManagedScaling != nil && p.ManagedScaling.Status == "ENABLED"
}

// asgKeys lists the store keys of every region's groups, in key order.
func (ctl *Ctl) asgKeys() []string {
	var out []string
	ctl.st.ASGs.Ascend("", func(k string, _ *state.ASG) bool {
		out = append(out, k)
		return true
	})
	return out
}

// InstanceBoot is how long a simulated instance takes from launch to registering with
// its cluster (ecsmini's choice; real instances take one to two minutes).
const InstanceBoot = 30 * time.Second
