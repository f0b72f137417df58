package admission

import (
	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// taskPlacer places the new tasks of one request (a RunTask call or a service's
// start step) on a cluster's container instances, seeing each placement it made.
type taskPlacer struct {
	st  *state.State
	rnd *Random
	ck  string
	c   *state.Capacity // read on first use
	// onInstances: the cluster places EC2 tasks on its instances (placesOnInstances).
	onInstances bool
	// external: EXTERNAL tasks, placed on external instances only (EC2 tasks never are).
	external bool
	// placers are the request compiled once per set of instances it places on (all, or
	// one capacity provider's): a request's tasks share one need and one placement.
	placers map[string]*ec2sim.Placer
}

// newTaskPlacer is nil for launches that use no simulated instance: Fargate, and EC2
// tasks of a cluster that never had instances. It must run inside a store transaction.
func newTaskPlacer(st *state.State, rnd *Random, ck, launch string) *taskPlacer {
	if launch == ecs.LaunchExternal {
		return externalPlacer(st, rnd, ck)
	}
	if launch != ecs.LaunchEC2 {
		return nil
	}
	return &taskPlacer{st: st, rnd: rnd, ck: ck, onInstances: st.PlacesOnInstances(ck)}
}

// onInstance says whether a task of provider goes on a simulated instance (placed now
// or waiting for one).
func (p *taskPlacer) onInstance(provider string) bool {
	return p != nil && (p.onInstances || (provider != "" && provider != ecs.Fargate && provider != ecs.FargateSpot))
}

// LaptopPorts are the static host ports a new task holds on the laptop itself. A
// bridge-mode task on a simulated instance publishes its ports on the instance's own
// loopback address (the agent's InstanceHostIP), so only its instance's ports, which
// placement checks, can clash; host mode binds every address of the one machine, and a
// task on no instance publishes on 127.0.0.1.
func LaptopPorts(td *ecs.TaskDefinition, onInstance bool) []string {
	if mode := ecs.Deref(td.NetworkMode); onInstance && (mode == "" || mode == ecs.NetworkBridge) {
		return nil
	}
	return StaticHostPorts(td)
}

// noInstances is the failure of an EC2 placement in a cluster with no instance to
// place on.
const noInstances = scheduler.PlaceNoInstances

// place places a new task. A task of an Auto Scaling group's capacity provider that
// finds no room waits in PROVISIONING for the group to scale (its record carries the
// placement); any other task that finds no room is not started, and the failure
// reason says why.
func (p *taskPlacer) place(td *ecs.TaskDefinition, tr *state.Task, provider string, pp state.Placement) (failure, closest string) {
	if p == nil {
		return "", ""
	}
	asg := provider != "" && provider != ecs.Fargate && provider != ecs.FargateSpot
	if !asg && !p.onInstances {
		return "", "" // the laptop is the host, with no limits
	}
	if p.c == nil {
		p.c = p.st.CapacityOf(p.ck)
	}
	need := TaskNeed(td, tr.Task)
	tr.Need = &need
	scope := ""
	if asg {
		scope = provider
	}
	idx := p.ofKind(p.c.Within(scope))
	i, why := -1, noInstances
	if len(idx) > 0 {
		i, why = p.placeOn(idx, scope, pp.Request(need))
	}
	if i >= 0 {
		OnInstance(tr.Task, p.c.Recs[i])
		p.c.Add(i, tr)
		return "", ""
	}
	if asg {
		tr.Placement = &pp
		return "", ""
	}
	if len(idx) > 0 {
		closest = p.c.Recs[idx[0]].Instance.ContainerInstanceArn
	}
	return why, closest
}

// placeOn places with the request compiled for scope (one-shot if it does not compile:
// requests are validated before they get here).
func (p *taskPlacer) placeOn(idx []int, scope string, req ec2sim.Request) (int, string) {
	pl, ok := p.placers[scope]
	if !ok {
		var err error
		if pl, err = ec2sim.Compile(req); err != nil {
			return p.rnd.PlaceOn(p.c, idx, req)
		}
		if p.placers == nil {
			p.placers = map[string]*ec2sim.Placer{}
		}
		p.placers[scope] = pl
	}
	cands := p.c.Cands
	if len(idx) != len(cands) {
		cands = make([]ec2sim.Candidate, len(idx))
		for j, i := range idx {
			cands[j] = p.c.Cands[i]
		}
	}
	j, why := p.rnd.PlaceWith(pl, cands)
	if j < 0 {
		return -1, why
	}
	return idx[j], ""
}

// CheckPlacement validates a request's strategies and constraints against its launch
// type (spec §4.1: Fargate takes neither).
func CheckPlacement(launch string, strategies []ecs.PlacementStrategy, constraints []ecs.PlacementConstraint) error {
	if len(strategies) == 0 && len(constraints) == 0 {
		return nil
	}
	if launch == ecs.LaunchFargate {
		return ecs.InvalidParameter("Task placement strategies and constraints are not supported with the FARGATE launch type.")
	}
	return ec2sim.ValidatePlacement(strategies, constraints)
}

// externalPlacer places EXTERNAL tasks on the cluster's external instances once it has
// (or had, within the hour) one; before that, like EC2 tasks of a cluster without
// instances, they run on this machine with no limits (nil). Call it inside a store
// transaction.
func externalPlacer(st *state.State, rnd *Random, ck string) *taskPlacer {
	found := false
	for _, r := range st.InstancesOf(ck) {
		if r.External {
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	return &taskPlacer{st: st, rnd: rnd, ck: ck, onInstances: true, external: true}
}

// ofKind keeps the instances of idx a placer's tasks may use: external instances for
// EXTERNAL tasks, the others for EC2 tasks.
func (p *taskPlacer) ofKind(idx []int) []int {
	out := idx[:0:0]
	for _, i := range idx {
		if p.c.Recs[i].External == p.external {
			out = append(out, i)
		}
	}
	return out
}
