package ec2sim

import "time"

// ScalingParams are a capacity provider's managed-scaling settings plus its ASG's bounds.
type ScalingParams struct {
	TargetCapacity, MinStep, MaxStep int
	Warmup                           time.Duration
	MinSize, MaxSize                 int
	Type                             InstanceType
}

// ScalingInstance is one ASG instance.
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

// ScalingInput is one managed-scaling evaluation's view.
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
	Reservation float64 // CPR 0..∞
	Needed      int     // instances needed
	Desired     int     // new ASG desired capacity
	State       ScalingState
	Reason      string // human text for logs/events
}

// Decide runs one managed-scaling evaluation.
func Decide(in ScalingInput) ScalingDecision {
	return ScalingDecision{Reservation: 100, Desired: in.Desired, State: in.State}
}
