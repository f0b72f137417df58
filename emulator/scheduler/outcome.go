package scheduler

import "github.com/ecsmini/ecsmini/emulator/ecs"

// Outcome classifies how a service's STOPPED task ended, for the circuit breaker and
// the back-off (spec §5.7, §5.8): failedToStart for a task that never reached RUNNING
// and was not stopped by someone (the scheduler, a user, Spot or a termination notice);
// failedHealthCheck for one the scheduler replaced for failing health checks
// (healthStop) or that ran and lost an essential container, a crash the breaker counts
// with the health-check replacements of stage 2. ran says whether it reached RUNNING.
func Outcome(stopCode string, ran, healthStop bool) (failedToStart, failedHealthCheck bool) {
	bySomeone := stopCode == ecs.StopServiceSchedulerInitiated || stopCode == ecs.StopUserInitiated ||
		stopCode == ecs.StopSpotInterruption || stopCode == ecs.StopTerminationNotice
	return !ran && !bySomeone, healthStop || (ran && stopCode == ecs.StopEssentialContainerExited)
}
