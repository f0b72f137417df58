package admission

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// PlaceOnInstance admits tr on the one container instance arn, as StartTask asks (a
// custom scheduler chose the instance: no strategies, no other candidates). The
// checks are Admit's, in its order: host ports held on this machine, then the
// instance's resources and the task definition's constraints. A failure's code is
// the reason ECS gives for that instance: "INACTIVE" when it takes no tasks (not
// ACTIVE, or gone), else RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS, ….
func (a *Admission) PlaceOnInstance(td *ecs.TaskDefinition, tr *state.Task, arn string) scheduler.Placement {
	p := scheduler.Placement{TaskDefinition: td.TaskDefinitionArn, Launch: a.launch, Closest: arn}
	if a.placer == nil || !a.placer.onInstances {
		p.Failure = "INACTIVE"
		return p
	}
	if a.placer.c == nil {
		a.placer.c = a.placer.st.CapacityOf(a.placer.ck)
	}
	c := a.placer.c
	i, ok := c.Index[arn]
	if !ok {
		p.Failure = "INACTIVE"
		return p
	}
	ports := LaptopPorts(td, true)
	if Clash(ports, a.inUse) {
		p.Failure = "RESOURCE:PORTS"
		return p
	}
	need := TaskNeed(td, tr.Task)
	if j, why := a.placer.rnd.Place(c.Cands[i:i+1], a.how.Request(need)); j < 0 {
		p.Failure = why
		return p
	}
	tr.Need, tr.HostPorts = &need, ports
	OnInstance(tr.Task, c.Recs[i])
	c.Add(i, tr)
	for _, port := range ports {
		a.inUse[port] = true
	}
	p.Closest, p.Instance = "", c.Recs[i].Instance.Ec2InstanceId
	return p
}
