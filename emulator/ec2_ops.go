package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The EC2 simulation (instances booting and ending, EC2 Spot, managed scaling, tasks
// waiting for capacity) is package ec2ctl; these are its operations and constants on
// the emulator's API.

// SpotNotice is how long EC2 warns before it reclaims a Spot instance.
const SpotNotice = ec2ctl.SpotNotice

// ManagedDrainingLimit is how long managed draining waits for an instance's tasks
// before the instance terminates anyway (spec §2.5).
const ManagedDrainingLimit = ec2ctl.ManagedDrainingLimit

// ScalingInterval is how often managed scaling evaluates a capacity provider.
const ScalingInterval = ec2ctl.ScalingInterval

// InstanceBoot is how long a simulated instance takes from launch to registering.
const InstanceBoot = ec2ctl.InstanceBoot

// ReconcileEC2 runs one pass of the EC2 simulation at the clock's now and returns when
// the next one falls due (zero: nothing scheduled). Tests call it directly.
func (e *Emulator) ReconcileEC2() time.Time { return e.ec2.Reconcile() }

// SetSpotInstanceInterruptionRate changes Config.SpotInstanceInterruptionRate while the
// emulator runs: each running EC2 Spot instance is reclaimed after a random time with
// this mean (0 turns it off).
func (e *Emulator) SetSpotInstanceInterruptionRate(mean time.Duration) { e.ec2.SetSpotRate(mean) }

// InterruptSpotInstance: see instances.Ops.InterruptSpotInstance.
func (e *Emulator) InterruptSpotInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return e.inst.InterruptSpotInstance(ctx, cluster, ref)
}
