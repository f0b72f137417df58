// Package instances holds the container instance operations over the state: EC2 and
// external (ECS Anywhere) registration, custom attributes, draining, deregistration
// and termination, the simulated Auto Scaling groups, and the announcement that
// capacity changed. The EC2 reconciler (ec2ctl) boots, drains and ends instances in the
// control loop; these are the API calls that start or record such changes. The facade
// wraps each in one line and reaches here with a Host.
package instances

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Host is what the instance operations need of the facade.
type Host interface {
	// ClusterForUse resolves the cluster an instance registers with, creating the
	// default cluster on first use. It runs inside tx.
	ClusterForUse(ctx context.Context, tx *store.Tx, ref string) (string, *ecs.Cluster, error)
	// MarkDirty has the service scheduler look at a service again.
	MarkDirty(serviceKey string)
	// Poke asks the control loop for a pass soon.
	Poke()
	// EmitInstance publishes a Container Instance State Change event.
	EmitInstance(arn string, detail any)
	// Heartbeat records that a remote agent's instance was heard from (package anywhere).
	Heartbeat(arn string, now time.Time)
}

// Ops runs the container instance operations on one state.
type Ops struct {
	st  *state.State
	h   Host
	ec2 *ec2ctl.Ctl
}

// New returns the operations over st; ec2 is the EC2 reconciler whose rules stop and
// retire instances.
func New(st *state.State, h Host, ec2 *ec2ctl.Ctl) *Ops { return &Ops{st: st, h: h, ec2: ec2} }
