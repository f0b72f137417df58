package emulator

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// taskNeed is what a task reserves on its instance (spec §3.2): the task-level CPU and
// memory when the task sets them, else the sum of its containers' (memoryReservation
// before memory); its static host ports; an ENI in awsvpc mode; the attributes its
// definition requires.
func taskNeed(td *ecs.TaskDefinition, t *ecs.Task) ec2sim.Need {
	n := ec2sim.Need{Group: t.Group, Ports: staticHostPorts(td), ENI: ecs.Deref(td.NetworkMode) == ecs.NetworkAwsvpc}
	cpu, cpuSet := cpuUnits(t.Cpu)
	mem, memSet := strconv.Atoi(t.Memory)
	for _, cd := range td.ContainerDefinitions {
		if !cpuSet {
			cpu += cd.Cpu
		}
		if memSet != nil {
			switch {
			case cd.MemoryReservation != nil:
				mem += *cd.MemoryReservation
			case cd.Memory != nil:
				mem += *cd.Memory
			}
		}
	}
	n.CPU, n.Memory = cpu, mem
	for _, a := range td.RequiresAttributes {
		n.RequiredAttributes = append(n.RequiredAttributes, a.Name)
	}
	return n
}

// cpuUnits reads a task-level cpu ("1024", or "1 vCPU" as ECS accepts it).
func cpuUnits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	var f float64
	var unit string
	if _, err := fmt.Sscan(s, &f, &unit); err == nil {
		return int(f * 1024), true
	}
	return 0, false
}

// placementConstraints joins a request's constraints with its task definition's
// memberOf constraints, which always apply (spec §4.6).
func placementConstraints(td *ecs.TaskDefinition, given []ecs.PlacementConstraint) []ecs.PlacementConstraint {
	out := append([]ecs.PlacementConstraint(nil), given...)
	for _, c := range td.PlacementConstraints {
		out = append(out, ecs.PlacementConstraint{Type: c.Type, Expression: ecs.Deref(c.Expression)})
	}
	return out
}

// onInstance records that a task runs on an instance: its ARN, its zone, and the
// instance's identity, which the task's containers carry.
func onInstance(t *ecs.Task, r *instanceRecord) {
	t.ContainerInstanceArn = r.Instance.ContainerInstanceArn
	t.AvailabilityZone = r.AZ
	for _, a := range r.Instance.Attributes {
		if a.Name == "ecs.cpu-architecture" {
			t.Attributes = []ecs.Attribute{{Name: a.Name, Value: a.Value}}
		}
	}
}

// ec2Ctl is the bookkeeping of the EC2 simulation: the random source placement uses,
// the interruption rate of Spot instances and the wake-up of its loop.
type ec2Ctl struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	spotRate time.Duration
	loop     *loop
}

func newEC2Ctl(l *loop) *ec2Ctl {
	return &ec2Ctl{rnd: rand.New(rand.NewSource(time.Now().UnixNano())), loop: l}
}

func (c *ec2Ctl) poke() { c.loop.poke() }

// place picks an instance for one task, holding the random source.
func (c *ec2Ctl) place(cands []ec2sim.Candidate, req ec2sim.Request) (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ec2sim.Place(cands, req, c.rnd)
}

// SeedPlacement makes random placement repeatable (tests).
func (e *Emulator) SeedPlacement(seed int64) {
	e.ec2.mu.Lock()
	e.ec2.rnd = rand.New(rand.NewSource(seed))
	e.ec2.mu.Unlock()
}

// placeOn places one task among the instances idx; it returns the chosen instance's
// position in c, or -1 and ECS's failure reason.
func (e *Emulator) placeOn(c *capacity, idx []int, req ec2sim.Request) (int, string) {
	if len(idx) == len(c.Cands) {
		return e.ec2.place(c.Cands, req)
	}
	sub := make([]ec2sim.Candidate, len(idx))
	for j, i := range idx {
		sub[j] = c.Cands[i]
	}
	j, why := e.ec2.place(sub, req)
	if j < 0 {
		return -1, why
	}
	return idx[j], ""
}
