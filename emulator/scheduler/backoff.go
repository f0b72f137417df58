package scheduler

import "time"

// Throttle is the launch back-off of spec §5.8: when a service's tasks keep going
// PENDING → STOPPED without reaching RUNNING, ECS waits longer and longer (up to 27
// minutes) between launch attempts. It belongs to one deployment, because a new
// deployment resets scheduling at once.
type Throttle struct {
	DeploymentID string
	// Failures counts consecutive tasks that failed to start; a task reaching RUNNING
	// resets it (tasks that ran and then stopped never throttle, §5.8).
	Failures int
	// NextAttempt is when launches may resume; zero when not throttled.
	NextAttempt time.Time
}

// Back-off schedule. ECS documents only the 27-minute ceiling; the free launches and
// the doubling from 30 s are ecsmini's choice (spec silent).
const (
	freeLaunchFailures = 3
	firstBackoff       = 30 * time.Second
	maxBackoff         = 27 * time.Minute
)

// Backoff is the wait after the given number of consecutive launch failures: none for
// the first few, then 30 s doubling to the 27-minute ceiling.
func Backoff(failures int) time.Duration {
	if failures < freeLaunchFailures {
		return 0
	}
	d := firstBackoff
	for i := freeLaunchFailures; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// throttled says launches must wait, and until when.
func (t Throttle) throttled(now time.Time) bool { return now.Before(t.NextAttempt) }
