package ec2sim

import (
	"fmt"
	"time"
)

// Managed-scaling defaults (ECS API ManagedScaling) and fixed timings (spec 2.4).
const (
	DefaultTargetCapacity = 100
	DefaultMinStep        = 1
	DefaultMaxStep        = 10000
	DefaultWarmup         = 300 * time.Second
	// ScaleInDelay is both how long CPR must stay below target (the low alarm's 15
	// one-minute datapoints) and how long scale-in waits after a scale-out.
	ScaleInDelay = 15 * time.Minute
	// FirstScaleOut is how many instances ECS launches when it scales out from none.
	FirstScaleOut = 2
)

// ScalingParams are a capacity provider's managed-scaling settings plus its ASG's bounds.
// Zero TargetCapacity, MinStep and MaxStep take the ECS defaults; Warmup is used as given
// (0 is valid), so callers pass DefaultWarmup when the provider does not set one.
type ScalingParams struct {
	TargetCapacity, MinStep, MaxStep int
	Warmup                           time.Duration
	MinSize, MaxSize                 int
	Type                             InstanceType
}

// ScalingInstance is one InService instance of the ASG and its container instance.
type ScalingInstance struct {
	ID             string
	LaunchedAt     time.Time
	Candidate      Candidate
	NonDaemonTasks int
}

// ScalingState is what Decide carries from one evaluation to the next.
type ScalingState struct {
	LastScaleOut time.Time
	LowSince     time.Time // when CPR first went below target continuously; zero if not
}

// ScalingInput is one managed-scaling evaluation's view. Desired is the ASG's current
// desired capacity; when it is above len(Instances), instances are still launching.
// Provisioning holds the needs of the provider's PROVISIONING tasks.
type ScalingInput struct {
	Now          time.Time
	Params       ScalingParams
	Desired      int
	Instances    []ScalingInstance
	Provisioning []Need
	State        ScalingState
}

// ScalingDecision is the result of one evaluation.
type ScalingDecision struct {
	Reservation float64 // CapacityProviderReservation, 0..∞ (above 100 while scaling out)
	Needed      int     // instances needed
	Desired     int     // new ASG desired capacity
	State       ScalingState
	Reason      string // human text for logs and events
}

// Decide runs one managed-scaling evaluation (spec 2.4); the caller runs it once a minute
// and stores the returned State for the next call.
//
// CPR = needed / running × 100, where needed counts the instances running non-daemon tasks
// plus the instances binpacking the PROVISIONING tasks would add. With no instances it is 100
// when nothing is needed and 200 when something is (the special cases AWS describes for its
// metric), so a provider with no work stays steady and one with work scales out.
//
// The ASG is moved to the smallest size that brings CPR to the target, except that scale-out
// from zero goes to 2 first, scale-out launches between MinStep and MaxStep instances and
// waits for launching and warming-up instances, scale-in waits until CPR has been below
// target for 15 minutes and 15 minutes have passed since the last scale-out, and scale-in
// removes at least one but less than half of the instances per evaluation. The result always
// lies within [MinSize, MaxSize].
func Decide(in ScalingInput) ScalingDecision {
	p := in.Params
	if p.TargetCapacity <= 0 || p.TargetCapacity > 100 {
		p.TargetCapacity = DefaultTargetCapacity
	}
	if p.MinStep <= 0 {
		p.MinStep = DefaultMinStep
	}
	if p.MaxStep <= 0 {
		p.MaxStep = DefaultMaxStep
	}
	running := len(in.Instances)
	needed, compatible := neededInstances(in.Instances, in.Provisioning, p.Type)
	d := ScalingDecision{Needed: needed, Desired: in.Desired, State: in.State}
	d.Reservation = reservation(needed, running)
	if len(in.Provisioning) > 0 && compatible == 0 {
		d.Reservation = float64(p.TargetCapacity)
		d.State.LowSince = time.Time{}
		d.Reason = fmt.Sprintf("no PROVISIONING task fits on an empty %s; managed scaling holds CPR at the target %d%%", p.Type.Name, p.TargetCapacity)
		return d.clamp(p)
	}
	cpr := fmt.Sprintf("CapacityProviderReservation %.0f%% (needed %d, running %d, target %d%%)", d.Reservation, needed, running, p.TargetCapacity)
	wanted := ceilDiv(needed*100, p.TargetCapacity)
	switch {
	case wanted > running:
		d.State.LowSince = time.Time{}
		d.scaleOut(in, p, running, wanted, cpr)
	case wanted < running:
		d.scaleIn(in, p, running, wanted, cpr)
	default:
		d.State.LowSince = time.Time{}
		d.Reason = cpr + ": steady"
	}
	return d.clamp(p)
}

func (d *ScalingDecision) scaleOut(in ScalingInput, p ScalingParams, running, wanted int, cpr string) {
	if in.Desired > running {
		d.Reason = fmt.Sprintf("%s: waiting for %d launching instance(s)", cpr, in.Desired-running)
		return
	}
	for _, inst := range in.Instances {
		if in.Now.Sub(inst.LaunchedAt) < p.Warmup {
			d.Reason = fmt.Sprintf("%s: scale-out waits for instance %s to finish its %s warm-up", cpr, inst.ID, p.Warmup)
			return
		}
	}
	target := running + max(p.MinStep, min(p.MaxStep, wanted-running))
	if running == 0 {
		target = FirstScaleOut
	}
	target = min(target, p.MaxSize)
	if target <= in.Desired {
		d.Reason = fmt.Sprintf("%s: cannot scale out beyond the group's maximum size %d", cpr, p.MaxSize)
		return
	}
	d.Reason = fmt.Sprintf("%s: scaling out from %d to %d instances", cpr, in.Desired, target)
	d.Desired = target
	d.State.LastScaleOut = in.Now
}

func (d *ScalingDecision) scaleIn(in ScalingInput, p ScalingParams, running, wanted int, cpr string) {
	if d.State.LowSince.IsZero() {
		d.State.LowSince = in.Now
	}
	if low := in.Now.Sub(d.State.LowSince); low < ScaleInDelay {
		d.Reason = fmt.Sprintf("%s: below target for %s, scale-in after %s", cpr, low, ScaleInDelay)
		return
	}
	if !d.State.LastScaleOut.IsZero() && in.Now.Sub(d.State.LastScaleOut) < ScaleInDelay {
		d.Reason = fmt.Sprintf("%s: scale-in waits %s after the last scale-out", cpr, ScaleInDelay)
		return
	}
	remove := min(running-wanted, max(1, (running-1)/2))
	target := max(min(in.Desired, running-remove), p.MinSize)
	if target >= in.Desired {
		d.Reason = fmt.Sprintf("%s: cannot scale in below the group's minimum size %d", cpr, p.MinSize)
		return
	}
	d.Reason = fmt.Sprintf("%s: scaling in from %d to %d instances", cpr, in.Desired, target)
	d.Desired = target
}

// clamp keeps the desired capacity within the group's bounds.
func (d ScalingDecision) clamp(p ScalingParams) ScalingDecision {
	d.Desired = max(min(d.Desired, p.MaxSize), p.MinSize)
	return d
}

// reservation is the CPR metric for needed and running instances.
func reservation(needed, running int) float64 {
	switch {
	case running > 0:
		return float64(needed) * 100 / float64(running)
	case needed > 0:
		return 200
	}
	return 100
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
