package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// The services reconciler (plan with scheduler.PlanService, carry out, load balancers,
// DNS records, daemons) is package servicectl; these are its operations on the
// emulator's API.

// LoadBalancerConfig configures the local load balancers (see servicectl).
type LoadBalancerConfig = servicectl.LoadBalancerConfig

// LoadBalancer describes a running local load balancer (for `ecsmini ps`).
type LoadBalancer = servicectl.LoadBalancer

// SetLoadBalancers configures the local load balancers after New.
//
// Deprecated: set Config.LoadBalancers.
func (e *Emulator) SetLoadBalancers(cfg LoadBalancerConfig) { e.ctl.SetLoadBalancers(cfg) }

// LoadBalancers lists the running local load balancers.
func (e *Emulator) LoadBalancers() []LoadBalancer { return e.ctl.LoadBalancers() }

// PinLoadBalancerPort fixes the local port of a target group's load balancer (compose's
// published ports); it reports whether the port was pinned.
func (e *Emulator) PinLoadBalancerPort(targetGroupArn string, port int) bool {
	return e.ctl.PinLoadBalancerPort(targetGroupArn, port)
}

// Records are the DNS names of a cluster's services and their tasks' addresses
// (the A records of Table).
func (e *Emulator) Records(clusterARN string) map[string][]string { return e.Table(clusterARN).Records }

// ReconcileServices plans and carries out every service that is dirty or due now, and
// returns when the next one falls due. Tests call it directly.
func (e *Emulator) ReconcileServices() (time.Time, error) { return e.ctl.Reconcile() }

// LastPlan is the text of the last plan of a service that started or stopped tasks,
// with the placements admission decided ("place web:3 on i-0abc (binpack memory)");
// "" when it has none yet. It is kept in memory only (see servicectl.Ctl.LastPlan).
func (e *Emulator) LastPlan(ctx context.Context, cluster, service string) (string, error) {
	k, name, err := e.st.ClusterKey(ctx, cluster)
	if err != nil {
		return "", err
	}
	return e.ctl.LastPlan(state.ServiceKey(state.LastRegion(k), name, service)), nil
}
