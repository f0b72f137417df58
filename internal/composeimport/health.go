package composeimport

import (
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// health maps healthcheck to the container's healthCheck, within ECS's ranges
// (interval 5–300 s, timeout 2–60 s, retries 1–10, startPeriod 0–300 s).
func (c *serviceConverter) health() {
	h := c.s.HealthCheck
	if h == nil || h.Disable || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return
	}
	hc := &ecs.HealthCheck{Command: []string(h.Test)}
	hc.Interval = c.seconds("healthcheck.interval", h.Interval, 5, 300)
	hc.Timeout = c.seconds("healthcheck.timeout", h.Timeout, 2, 60)
	hc.StartPeriod = c.seconds("healthcheck.start_period", h.StartPeriod, 0, 300)
	if h.Retries != nil {
		r := int(*h.Retries)
		if r < 1 || r > 10 {
			c.warn("healthcheck.retries", "%d is outside ECS's 1–10; using %d", r, clamp(r, 1, 10))
			r = clamp(r, 1, 10)
		}
		hc.Retries = ecs.Ptr(r)
	}
	if h.StartInterval != nil {
		c.warn("healthcheck.start_interval", "ECS has no start interval; ignored")
	}
	c.cd.HealthCheck = hc
}

func (c *serviceConverter) seconds(key string, d *types.Duration, lo, hi int) *int {
	if d == nil {
		return nil
	}
	s := int(time.Duration(*d).Round(time.Second) / time.Second)
	if s < lo || s > hi {
		c.warn(key, "%ds is outside ECS's %d–%d s; using %d", s, lo, hi, clamp(s, lo, hi))
		s = clamp(s, lo, hi)
	}
	return ecs.Ptr(s)
}

func clamp(v, lo, hi int) int {
	return max(lo, min(hi, v))
}
