package ec2sim

import "sort"

// bin is an instance as the scale-out binpack sees it: what is left on it and whether it
// would run non-daemon work.
type bin struct {
	cpu, mem, enis int
	used           map[string]bool // the candidate's taken ports (not modified)
	added          []string        // ports taken by simulated placements
	busy           bool
}

func (b *bin) fits(n Need) bool {
	if n.CPU > b.cpu || n.Memory > b.mem || (n.ENI && b.enis < 1) {
		return false
	}
	for _, p := range n.Ports {
		if b.used[p] || inList(p, b.added) {
			return false
		}
	}
	return true
}

func (b *bin) take(n Need) {
	b.cpu -= n.CPU
	b.mem -= n.Memory
	if n.ENI {
		b.enis--
	}
	b.added = append(b.added, n.Ports...)
	b.busy = true
}

// emptyBin is a freshly launched instance of type t.
func emptyBin(t InstanceType) bin {
	used := make(map[string]bool, len(ReservedPorts))
	for _, k := range ReservedPortKeys() {
		used[k] = true
	}
	return bin{cpu: t.CPUUnits(), mem: t.RegisteredMemory(), enis: t.TaskENIs(), used: used}
}

// neededInstances is the "number of instances needed" of the CPR formula (spec 2.4): the
// instances running non-daemon tasks, plus existing instances and new instances of type t
// that binpacking the PROVISIONING tasks would put work on. Tasks are packed largest first
// (so identical requirements are packed together, as ECS groups them), each onto the
// instance with the least memory left that fits it, counting the resources left on existing
// connected, non-draining instances. Tasks that would not fit even on an empty instance of
// t are incompatible: they are left out and never cause scale-out. compatible is how many
// tasks were packed.
func neededInstances(instances []ScalingInstance, provisioning []Need, t InstanceType) (needed, compatible int) {
	bins := make([]bin, 0, len(instances))
	for _, inst := range instances {
		c := &inst.Candidate
		b := bin{cpu: c.RemainingCPU, mem: c.RemainingMemory, enis: c.FreeENIs, used: c.UsedPorts, busy: inst.NonDaemonTasks > 0}
		if c.Draining || !c.AgentConnected {
			b.cpu, b.mem, b.enis = -1, -1, -1 // counts if busy, takes nothing new
		}
		bins = append(bins, b)
	}
	empty := emptyBin(t)
	tasks := make([]Need, 0, len(provisioning))
	for _, n := range provisioning {
		if empty.fits(n) && !duplicatePorts(n.Ports) {
			tasks = append(tasks, n)
		}
	}
	sort.SliceStable(tasks, func(i, j int) bool {
		if tasks[i].Memory != tasks[j].Memory {
			return tasks[i].Memory > tasks[j].Memory
		}
		return tasks[i].CPU > tasks[j].CPU
	})
	for _, n := range tasks {
		best := -1
		for i := range bins {
			if bins[i].fits(n) && (best < 0 || bins[i].mem < bins[best].mem) {
				best = i
			}
		}
		if best < 0 {
			bins = append(bins, emptyBin(t))
			best = len(bins) - 1
		}
		bins[best].take(n)
	}
	for _, b := range bins {
		if b.busy {
			needed++
		}
	}
	return needed, len(tasks)
}

// duplicatePorts reports a task asking for the same host port twice, which no instance fits.
func duplicatePorts(ports []string) bool {
	for i := range ports {
		for j := i + 1; j < len(ports); j++ {
			if ports[i] == ports[j] {
				return true
			}
		}
	}
	return false
}
