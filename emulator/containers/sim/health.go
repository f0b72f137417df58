package sim

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Docker's health-check defaults, used for zero values.
const (
	defaultInterval = 30 * time.Second
	defaultRetries  = 3
)

func hasCheck(hc *containers.HealthCheck) bool {
	return hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
}

// scheduleProbe arms the next health probe of run, one Interval from now.
func (r *Runtime) scheduleProbe(c *container, run int) {
	interval := c.spec.Health.Interval
	if interval <= 0 {
		interval = defaultInterval
	}
	c.probe = r.after(c, run, interval, func() { r.probe(c, run) })
}

// probe runs one health check as Docker does: a pass makes the container healthy and
// resets the failure count; a failure counts only after StartPeriod, and Retries
// consecutive counted failures make it unhealthy. Callers hold r.mu.
func (r *Runtime) probe(c *container, run int) {
	hc := c.spec.Health
	fails := c.beh.health == "unhealthy" || c.beh.health == "" && checkFails(hc.Test)
	if fails {
		if r.clock.Now().Sub(c.startedAt) >= hc.StartPeriod {
			c.failures++
		}
		retries := hc.Retries
		if retries <= 0 {
			retries = defaultRetries
		}
		if c.failures >= retries {
			r.setHealth(c, containers.HealthUnhealthy)
		}
	} else {
		c.failures = 0
		r.setHealth(c, containers.HealthHealthy)
	}
	r.scheduleProbe(c, run)
}

func (r *Runtime) setHealth(c *container, h containers.Health) {
	if c.health == h {
		return
	}
	c.health = h
	r.emit(c, containers.EventHealth, func(e *containers.Event) { e.Health = h })
}
