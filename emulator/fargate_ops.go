package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/fargatectl"
)

// The Fargate simulation (Spot capacity and interruptions, retirement, vCPU quotas) is
// package fargatectl; these are its operations on the emulator's API.

// FargateQuotas are the account's concurrent Fargate vCPU quotas per region (tasks
// spec §3.3); zero means unlimited.
type FargateQuotas = admission.FargateQuotas

// RetireRequest names the Fargate tasks to retire (see Retire).
type RetireRequest = fargatectl.RetireRequest

// Retirement is one task's scheduled retirement.
type Retirement = fargatectl.Retirement

// SetSpotInterruptionRate changes Config.SpotInterruptionRate while the emulator runs:
// each running Fargate Spot task is reclaimed after a random time with this mean (0
// turns it off).
func (e *Emulator) SetSpotInterruptionRate(mean time.Duration) { e.fg.SetInterruptionRate(mean) }

// SetFargateQuotas changes Config.FargateQuotas, the vCPU quotas RunTask and services
// are held to, while the emulator runs.
func (e *Emulator) SetFargateQuotas(q FargateQuotas) { e.fg.SetQuotas(q) }

// SpotCapacity says whether a cluster has Fargate Spot capacity.
func (e *Emulator) SpotCapacity(ctx context.Context, cluster string) (bool, error) {
	return e.fg.SpotCapacity(ctx, cluster)
}

// SetSpotCapacity makes Fargate Spot capacity unavailable or available in a cluster.
// Restoring it launches the Spot tasks that waited.
func (e *Emulator) SetSpotCapacity(ctx context.Context, cluster string, available bool) error {
	return e.fg.SetSpotCapacity(ctx, cluster, available)
}

// InterruptSpot reclaims running Fargate Spot tasks as AWS does (see
// fargatectl.Ctl.InterruptSpot) and returns the ARNs interrupted.
func (e *Emulator) InterruptSpot(ctx context.Context, cluster string, tasks []string, service string, count int) ([]string, error) {
	return e.fg.InterruptSpot(ctx, cluster, tasks, service, count)
}

// Retire schedules the retirement of Fargate tasks as AWS does when it retires a
// platform version revision (see fargatectl.Ctl.Retire).
func (e *Emulator) Retire(ctx context.Context, in RetireRequest) ([]Retirement, error) {
	return e.fg.Retire(ctx, in)
}
