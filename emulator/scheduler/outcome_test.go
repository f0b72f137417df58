package scheduler

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		name               string
		code               string
		ran, healthStop    bool
		failStart, failHlt bool
	}{
		{"never started, task failed", ecs.StopTaskFailedToStart, false, false, true, false},
		{"never started, scheduler stopped it", ecs.StopServiceSchedulerInitiated, false, false, false, false},
		{"never started, user stopped it", ecs.StopUserInitiated, false, false, false, false},
		{"never started, Spot reclaimed it", ecs.StopSpotInterruption, false, false, false, false},
		{"never started, instance went away", ecs.StopTerminationNotice, false, false, false, false},
		{"ran, essential container exited", ecs.StopEssentialContainerExited, true, false, false, true},
		{"ran, replaced for health checks", ecs.StopServiceSchedulerInitiated, true, true, false, true},
		{"ran, scaled in", ecs.StopServiceSchedulerInitiated, true, false, false, false},
		{"ran, user stopped it", ecs.StopUserInitiated, true, false, false, false},
	} {
		fs, fh := Outcome(tc.code, tc.ran, tc.healthStop)
		if fs != tc.failStart || fh != tc.failHlt {
			t.Errorf("%s: Outcome = (%v, %v), want (%v, %v)", tc.name, fs, fh, tc.failStart, tc.failHlt)
		}
	}
}
