package servicectl

import (
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// instanceStates maps a cluster's container instance ARNs to their status, for the
// scheduler's view of where a service's tasks run.
func (ctl *Ctl) instanceStates(clusterKey string) map[string]string {
	recs := ctl.st.InstancesOf(clusterKey)
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
func (ctl *Ctl) daemonDesired(serviceKey string, r *state.Service) int {
	ck := serviceKey[:strings.LastIndexByte(serviceKey, 0)]
	c := ctl.st.CapacityOf(ck)
	var exprs []*ec2sim.Expr
	constraints := r.Service.PlacementConstraints
	if p := r.Primary(); p != nil {
		if td := ctl.defByARN(p.TaskDefinition); td != nil {
			constraints = admission.PlacementConstraints(td, constraints)
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
	for i, rec := range c.Recs {
		if rec.Instance.Status != ecs.InstanceActive || !rec.Instance.AgentConnected || rec.TerminateAt != nil ||
			rec.External != (r.Service.LaunchType == ecs.LaunchExternal) {
			continue // EXTERNAL daemons run on external instances, EC2 ones on the others
		}
		ok := true
		for _, x := range exprs {
			ok = ok && x.Match(&c.Cands[i])
		}
		if ok {
			n++
		}
	}
	return n
}

// rankScaleIn sets ScaleInOrder on the view's tasks that run on simulated instances
// when the service has more live tasks than it wants: the order in which the service's
// placement strategy would stop them (ec2sim.ChooseToStop, spec §4.3).
func (ctl *Ctl) rankScaleIn(serviceKey string, r *state.Service, v *scheduler.ServiceView, tasks map[string]*state.Task) {
	live := 0
	for _, tv := range v.Tasks {
		if tv.DesiredStatus == ecs.StatusRunning && tv.LastStatus < ecs.StatusStopped {
			live++
		}
	}
	excess := live - v.DesiredCount
	if excess <= 0 || r.Service.SchedulingStrategy == ecs.SchedulingDaemon {
		return
	}
	c := ctl.st.CapacityOf(serviceKey[:strings.LastIndexByte(serviceKey, 0)])
	if len(c.Recs) == 0 {
		return
	}
	byARN := map[string]*state.Task{}
	for _, tr := range tasks {
		byARN[tr.Task.TaskArn] = tr
	}
	var running []ec2sim.Placed
	for _, tv := range v.Tasks {
		tr := byARN[tv.ARN]
		if tr == nil || tr.Need == nil || tv.DesiredStatus != ecs.StatusRunning || tv.LastStatus >= ecs.StatusStopped {
			continue
		}
		if i, ok := c.Index[tr.Task.ContainerInstanceArn]; ok {
			running = append(running, ec2sim.Placed{TaskARN: tv.ARN, Instance: i, Need: *tr.Need})
		}
	}
	order := map[string]int{}
	for n := 1; n <= excess && len(running) > 0; n++ {
		k := ctl.rnd.ChooseToStop(c.Cands, running, r.Service.PlacementStrategy)
		if k < 0 || k >= len(running) {
			break
		}
		p := running[k]
		order[p.TaskARN] = n
		c.Cands[p.Instance].Release(p.Need)
		running = append(running[:k], running[k+1:]...)
	}
	for i := range v.Tasks {
		v.Tasks[i].ScaleInOrder = order[v.Tasks[i].ARN]
	}
}
