package appscaling

import (
	"math"
	"time"
)

// Target tracking as Application Auto Scaling runs it for ECS services: each policy
// has two CloudWatch alarms on its metric's one-minute datapoints. AlarmHigh fires when
// the last ScaleOutDatapoints are all above the target; AlarmLow when the last
// ScaleInDatapoints are all below ScaleInRatio of it. A firing alarm invokes the
// policy, which asks for the capacity that brings the metric to the target:
// ceil(current × metric ÷ target).
const (
	ScaleOutDatapoints = 3
	ScaleInDatapoints  = 15
	ScaleInRatio       = 0.9
	// DefaultCooldown is ECS's default ScaleOutCooldown and ScaleInCooldown.
	DefaultCooldown = 300 * time.Second
)

// Datapoint is one minute of a metric; OK is false for a minute without data (no
// running task), which breaks a run of datapoints as CloudWatch's missing data does.
type Datapoint struct {
	Value float64
	OK    bool
}

// Decision is what a target tracking policy asks for.
type Decision int

const (
	Hold Decision = iota
	Out
	In
)

// TrackingDecision evaluates a policy's alarms over datapoints (oldest first): Out
// with the capacity wanted when AlarmHigh is in ALARM, In when AlarmLow is (and
// scale-in is enabled), else Hold. The metric value is the last datapoint's.
func TrackingDecision(points []Datapoint, target float64, current int, disableScaleIn bool) (Decision, int) {
	if target <= 0 || len(points) == 0 {
		return Hold, current
	}
	last := points[len(points)-1]
	if allOf(points, ScaleOutDatapoints, func(v float64) bool { return v > target }) {
		return Out, desiredFor(current, last.Value, target)
	}
	if !disableScaleIn && allOf(points, ScaleInDatapoints, func(v float64) bool { return v < target*ScaleInRatio }) {
		return In, desiredFor(current, last.Value, target)
	}
	return Hold, current
}

// desiredFor is the capacity that would bring the metric to the target, at least one
// task while there is load (a metric of zero asks for none).
func desiredFor(current int, metric, target float64) int {
	want := int(math.Ceil(float64(current) * metric / target))
	if current == 0 {
		want = 1
	}
	return want
}

// allOf reports whether the last n datapoints exist and all satisfy ok.
func allOf(points []Datapoint, n int, ok func(float64) bool) bool {
	if len(points) < n {
		return false
	}
	for _, p := range points[len(points)-n:] {
		if !p.OK || !ok(p.Value) {
			return false
		}
	}
	return true
}

// StepCapacity applies a step scaling policy to a breach: the step whose interval
// (relative to the alarm threshold) contains metric−threshold gives the adjustment,
// applied to current as the AdjustmentType says, with MinAdjustmentMagnitude for
// percentages. ok is false when no step matches.
func StepCapacity(cfg *StepScalingPolicyConfiguration, current int, breach float64) (int, bool) {
	for _, st := range cfg.StepAdjustments {
		lo, hi := math.Inf(-1), math.Inf(1)
		if st.MetricIntervalLowerBound != nil {
			lo = *st.MetricIntervalLowerBound
		}
		if st.MetricIntervalUpperBound != nil {
			hi = *st.MetricIntervalUpperBound
		}
		// The lower bound is inclusive and the upper exclusive, except that a step
		// with no upper bound takes everything above its lower bound.
		if breach < lo || (breach >= hi && !math.IsInf(hi, 1)) {
			continue
		}
		return adjust(cfg, current, st.ScalingAdjustment), true
	}
	return current, false
}

func adjust(cfg *StepScalingPolicyConfiguration, current, by int) int {
	switch cfg.AdjustmentType {
	case AdjustExact:
		return by
	case AdjustPercent:
		delta := float64(current) * float64(by) / 100
		// Application Auto Scaling rounds a fractional change away from zero only
		// for values below one; larger ones are truncated toward zero.
		d := int(delta)
		if delta > 0 && delta < 1 {
			d = 1
		} else if delta < 0 && delta > -1 {
			d = -1
		}
		if m := cfg.MinAdjustmentMagnitude; m != nil && abs(d) < *m {
			if d < 0 {
				d = -*m
			} else {
				d = *m
			}
		}
		return current + d
	default:
		return current + by
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
