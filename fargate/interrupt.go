package fargate

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"strconv"
	"time"
)

// Stop reasons ECS writes for the two ways Fargate takes a task away (tasks spec §3.5,
// §3.7).
const (
	SpotInterruptionReason = "Your Spot Task was interrupted."
	RetirementReason       = "ECS is performing maintenance on the underlying infrastructure hosting the task"
)

// InterruptionAt is when a Spot task running since since is reclaimed, when Spot tasks
// are reclaimed at random with the given mean time between interruptions: an
// exponentially distributed delay, drawn from the task's identity so that the same task
// is always interrupted at the same moment (a restart or a re-plan does not re-roll it).
// Zero mean means never (zero time).
func InterruptionAt(taskID string, since time.Time, mean time.Duration) time.Time {
	if mean <= 0 {
		return time.Time{}
	}
	sum := sha256.Sum256([]byte(taskID))
	// A uniform draw in (0, 1]: 53 random bits, never 0 so the logarithm is finite.
	u := (float64(binary.BigEndian.Uint64(sum[:8])>>11) + 1) / (1 << 53)
	delay := time.Duration(-math.Log(u) * float64(mean))
	return since.Add(delay)
}

// RetirementWait is the wait between a retirement notice and the retirement for the
// account setting fargateTaskRetirementWaitPeriod ("0", "7" or "14" days; 7 when
// unset or unreadable, ECS's default).
func RetirementWait(setting string) time.Duration {
	days, err := strconv.Atoi(setting)
	if err != nil || (days != 0 && days != 7 && days != 14) {
		days = 7
	}
	return time.Duration(days) * 24 * time.Hour
}
