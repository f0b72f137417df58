package emulator

import (
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// instanceStates maps a cluster's container instance ARNs to their status, for the
// scheduler's view of where a service's tasks run.
func (e *Emulator) instanceStates(clusterKey string) map[string]string {
	recs := e.instancesOf(clusterKey)
	if len(recs) == 0 {
		return nil
	}
	out := make(map[string]string, len(recs))
	for _, r := range recs {
		out[r.Instance.ContainerInstanceArn] = r.Instance.Status
	}
	return out
}

// daemonDesired is a DAEMON service's desired count: its cluster's ACTIVE instances
// with a connected agent that meet the service's and its task definition's
// constraints (spec §5.3).
func (e *Emulator) daemonDesired(serviceKey string, r *serviceRecord) int {
	ck := serviceKey[:strings.LastIndexByte(serviceKey, 0)]
	c := e.capacityOf(ck)
	var exprs []*ec2sim.Expr
	constraints := r.Service.PlacementConstraints
	if p := r.primary(); p != nil {
		if td := e.defByARN(p.TaskDefinition); td != nil {
			constraints = placementConstraints(td, constraints)
		}
	}
	for _, pc := range constraints {
		if pc.Type != "memberOf" {
			continue
		}
		x, err := ec2sim.ParseExpression(pc.Expression)
		if err != nil {
			continue // validated when the service was created
		}
		exprs = append(exprs, x)
	}
	n := 0
	for i, rec := range c.recs {
		if rec.Instance.Status != ecs.InstanceActive || !rec.Instance.AgentConnected || rec.TerminateAt != nil {
			continue
		}
		ok := true
		for _, x := range exprs {
			ok = ok && x.Match(&c.cands[i])
		}
		if ok {
			n++
		}
	}
	return n
}
