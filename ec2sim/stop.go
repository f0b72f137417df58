package ec2sim

import (
	"math/rand"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Placed is a running task of the group being scaled in, and where it runs.
type Placed struct {
	TaskARN  string
	Instance int // index into cands
	Need     Need
}

// ChooseToStop picks which of running to stop when a service scales in (spec 4.3) and
// returns its index in running, or -1 when running is empty. The strategies are the
// service's placement strategies, applied in order as tie-breakers, each undoing what it
// would have done on placement:
//   - spread (instanceId or attribute:NAME): keep the field's values balanced by stopping a
//     task on the value that has the most of running;
//   - binpack cpu/memory: stop a task on the instance that would have the most of that
//     resource remaining afterwards, emptying the emptiest instances first;
//   - random: any task.
//
// With no strategy, ECS stops from the AZ with the most tasks, then the instance with the
// most. Ties left at the end are broken with rnd (the task "chosen at random" within an AZ),
// or by lowest index when rnd is nil. Scale-in-protected and daemon tasks are the caller's
// to leave out of running.
func ChooseToStop(cands []Candidate, running []Placed, strategies []ecs.PlacementStrategy, rnd *rand.Rand) int {
	if len(running) == 0 {
		return -1
	}
	var strats []strategy
	for _, s := range strategies {
		if st, err := compileStrategy(s); err == nil {
			strats = append(strats, st)
		}
	}
	if len(strategies) == 0 {
		strats = []strategy{{kind: stratSpreadAttribute, attr: "ecs.availability-zone"}, {kind: stratSpreadInstance}}
	}
	set := make([]int, len(running))
	for i := range set {
		set[i] = i
	}
	inst := func(r int) *Candidate {
		if i := running[r].Instance; i >= 0 && i < len(cands) {
			return &cands[i]
		}
		return nil
	}
	for _, s := range strats {
		if len(set) == 1 {
			break
		}
		switch s.kind {
		case stratRandom:
			pick := set[0]
			if rnd != nil {
				pick = set[rnd.Intn(len(set))]
			}
			set = []int{pick}
		case stratBinpackCPU, stratBinpackMemory:
			set = keepMax(set, func(r int) int {
				c := inst(r)
				if c == nil {
					return 0
				}
				if s.kind == stratBinpackCPU {
					return c.RemainingCPU + running[r].Need.CPU
				}
				return c.RemainingMemory + running[r].Need.Memory
			})
		case stratSpreadInstance:
			counts := map[int]int{}
			for _, r := range set {
				counts[running[r].Instance]++
			}
			set = keepMax(set, func(r int) int { return counts[running[r].Instance] })
		case stratSpreadAttribute:
			value := func(r int) string {
				if c := inst(r); c != nil {
					return c.Attributes[s.attr]
				}
				return ""
			}
			counts := map[string]int{}
			for _, r := range set {
				counts[value(r)]++
			}
			set = keepMax(set, func(r int) int { return counts[value(r)] })
		}
	}
	if len(set) > 1 && rnd != nil {
		return set[rnd.Intn(len(set))]
	}
	return set[0]
}

// keepMax filters set in place to the members with the largest key.
func keepMax(set []int, key func(int) int) []int {
	highest := key(set[0])
	for _, r := range set[1:] {
		if k := key(r); k > highest {
			highest = k
		}
	}
	kept := set[:0]
	for _, r := range set {
		if key(r) == highest {
			kept = append(kept, r)
		}
	}
	return kept
}
