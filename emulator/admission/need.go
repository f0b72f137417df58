package admission

import (
	"fmt"
	"strconv"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// TaskNeed is what a task reserves on its instance (spec §3.2): the task-level CPU and
// memory when the task sets them, else the sum of its containers' (memoryReservation
// before memory); its static host ports; an ENI in awsvpc mode; the attributes its
// definition requires.
func TaskNeed(td *ecs.TaskDefinition, t *ecs.Task) ec2sim.Need {
	n := ec2sim.Need{Group: t.Group, Ports: StaticHostPorts(td), ENI: ecs.Deref(td.NetworkMode) == ecs.NetworkAwsvpc}
	cpu, cpuSet := CPUUnits(t.Cpu)
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

// CPUUnits reads a task-level cpu ("1024", or "1 vCPU" as ECS accepts it).
func CPUUnits(s string) (int, bool) {
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

// PlacementConstraints joins a request's constraints with its task definition's
// memberOf constraints, which always apply (spec §4.6).
func PlacementConstraints(td *ecs.TaskDefinition, given []ecs.PlacementConstraint) []ecs.PlacementConstraint {
	out := append([]ecs.PlacementConstraint(nil), given...)
	for _, c := range td.PlacementConstraints {
		out = append(out, ecs.PlacementConstraint{Type: c.Type, Expression: ecs.Deref(c.Expression)})
	}
	return out
}

// OnInstance records that a task runs on an instance: its ARN, its zone, and the
// instance's identity, which the task's containers carry.
func OnInstance(t *ecs.Task, r *state.Instance) {
	t.ContainerInstanceArn = r.Instance.ContainerInstanceArn
	t.AvailabilityZone = r.AZ
	for _, a := range r.Instance.Attributes {
		if a.Name == "ecs.cpu-architecture" {
			t.Attributes = []ecs.Attribute{{Name: a.Name, Value: a.Value}}
		}
	}
}

// StaticHostPorts lists the host ports a task definition's containers bind on the host
// itself: fixed hostPorts in bridge mode, every containerPort in host mode. awsvpc ports
// are published on engine-chosen host ports, and bridge hostPort 0 is dynamic.
func StaticHostPorts(td *ecs.TaskDefinition) []string {
	mode := ecs.Deref(td.NetworkMode)
	var out []string
	for _, cd := range td.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			port := 0
			switch mode {
			case ecs.NetworkHost:
				port = ecs.Deref(pm.ContainerPort)
			case "", ecs.NetworkBridge:
				port = ecs.Deref(pm.HostPort)
			}
			if port > 0 {
				proto := ecs.Deref(pm.Protocol)
				if proto == "" {
					proto = "tcp"
				}
				out = append(out, proto+"/"+strconv.Itoa(port))
			}
		}
	}
	return out
}

// HostPortsInUse are the static host ports of every task not yet STOPPED, in any
// cluster or region: they all run on this one machine.
func HostPortsInUse(st *state.State) map[string]bool {
	used := map[string]bool{}
	st.Tasks.Ascend("", func(_ string, r *state.Task) bool {
		if r.Task.LastStatus != ecs.StatusStopped {
			for _, p := range r.HostPorts {
				used[p] = true
			}
		}
		return true
	})
	return used
}

func Clash(ports []string, used map[string]bool) bool {
	for _, p := range ports {
		if used[p] {
			return true
		}
	}
	return false
}
