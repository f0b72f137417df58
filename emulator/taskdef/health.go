package taskdef

import "github.com/ecsmini/ecsmini/emulator/ecs"

// Health check bounds and the defaults ECS stores and echoes (spec §4.3).
const (
	defaultHealthInterval = 30
	defaultHealthTimeout  = 5
	defaultHealthRetries  = 3
)

var healthBounds = []struct {
	field    string
	min, max int
	get      func(*ecs.HealthCheck) *int
}{
	{"interval", 5, 300, func(h *ecs.HealthCheck) *int { return h.Interval }},
	{"timeout", 2, 60, func(h *ecs.HealthCheck) *int { return h.Timeout }},
	{"retries", 1, 10, func(h *ecs.HealthCheck) *int { return h.Retries }},
	{"startPeriod", 0, 300, func(h *ecs.HealthCheck) *int { return h.StartPeriod }},
}

// checkHealthCheck validates a container health check.
func (c *checker) checkHealthCheck(cd *ecs.ContainerDefinition, name string) {
	hc := cd.HealthCheck
	if hc == nil {
		return
	}
	if len(hc.Command) == 0 {
		c.p.add(containerInvalid(name, "healthCheck.command should not be null or empty."))
	}
	for _, b := range healthBounds {
		if v := b.get(hc); v != nil && (*v < b.min || *v > b.max) {
			c.p.add(containerInvalid(name, "healthCheck.%s must be between %d and %d.", b.field, b.min, b.max))
		}
	}
}

// normaliseHealthCheck fills the defaults ECS echoes; startPeriod stays absent.
func normaliseHealthCheck(hc *ecs.HealthCheck) {
	if hc == nil {
		return
	}
	if hc.Interval == nil {
		hc.Interval = ecs.Ptr(defaultHealthInterval)
	}
	if hc.Timeout == nil {
		hc.Timeout = ecs.Ptr(defaultHealthTimeout)
	}
	if hc.Retries == nil {
		hc.Retries = ecs.Ptr(defaultHealthRetries)
	}
}
