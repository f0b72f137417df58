package admission

import (
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// FargateQuotas are the account's concurrent vCPU quotas per region (tasks spec §3.3:
// 6 each by default on AWS, adjustable); zero means unlimited, ecsmini's default, so a
// laptop is not capped unless asked to be.
type FargateQuotas struct {
	OnDemandVCPU float64
	SpotVCPU     float64
}

// VCPUInUse sums the vCPUs of the region's Fargate tasks that are not STOPPED, on
// Spot and on-demand. It must run inside a store transaction.
func VCPUInUse(st *state.State, region string) (onDemand, spot float64) {
	prefix := region + "\x00"
	st.Tasks.Ascend(prefix, func(k string, r *state.Task) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		t := r.Task
		if t.LaunchType != ecs.LaunchFargate || t.LastStatus == ecs.StatusStopped {
			return true
		}
		if t.CapacityProviderName == ecs.FargateSpot {
			spot += TaskVCPU(t.Cpu)
		} else {
			onDemand += TaskVCPU(t.Cpu)
		}
		return true
	})
	return onDemand, spot
}

func TaskVCPU(cpu string) float64 {
	units, _ := strconv.Atoi(cpu)
	return float64(units) / 1024
}

// quotaCheck tracks a region's Fargate vCPUs while tasks are added in one transaction.
type quotaCheck struct {
	q              FargateQuotas
	onDemand, spot float64
}

func newQuotaCheck(st *state.State, q FargateQuotas, region string) *quotaCheck {
	c := &quotaCheck{q: q}
	if q.OnDemandVCPU > 0 || q.SpotVCPU > 0 {
		c.onDemand, c.spot = VCPUInUse(st, region)
	}
	return c
}

// take counts a new task against its quota, or reports that it does not fit.
func (c *quotaCheck) take(launch, provider, cpu string) bool {
	if launch != ecs.LaunchFargate {
		return true
	}
	v := TaskVCPU(cpu)
	if provider == ecs.FargateSpot {
		if c.q.SpotVCPU > 0 && c.spot+v > c.q.SpotVCPU {
			return false
		}
		c.spot += v
		return true
	}
	if c.q.OnDemandVCPU > 0 && c.onDemand+v > c.q.OnDemandVCPU {
		return false
	}
	c.onDemand += v
	return true
}
