package ec2sim

import (
	"math/rand"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestChooseToStop(t *testing.T) {
	// Instances: 0 and 1 in AZ a, 2 in AZ b. Remaining memory differs.
	cands := []Candidate{cand("i-0", "a", 1024, 1000), cand("i-1", "a", 1024, 5000), cand("i-2", "b", 1024, 3000)}
	need := Need{CPU: 256, Memory: 500, Group: "service:web"}
	running := []Placed{
		{"t0", 0, need}, {"t1", 0, need}, {"t2", 1, need}, {"t3", 2, need},
	}
	s := func(typ, field string) []ecs.PlacementStrategy {
		return []ecs.PlacementStrategy{{Type: typ, Field: field}}
	}
	tests := []struct {
		name       string
		strategies []ecs.PlacementStrategy
		want       map[int]bool // acceptable indices into running
	}{
		{"default: AZ with most, then instance with most", nil, map[int]bool{0: true, 1: true}},
		{"spread AZ: any task in AZ a", s("spread", "attribute:ecs.availability-zone"), map[int]bool{0: true, 1: true, 2: true}},
		{"spread instance: the instance with most", s("spread", "instanceId"), map[int]bool{0: true, 1: true}},
		{"binpack memory: most remaining after", s("binpack", "memory"), map[int]bool{2: true}},
		{"binpack cpu: ties on cpu", s("binpack", "cpu"), map[int]bool{0: true, 1: true, 2: true, 3: true}},
		{"spread AZ then binpack memory", []ecs.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "binpack", Field: "memory"}}, map[int]bool{2: true}},
		{"random", s("random", ""), map[int]bool{0: true, 1: true, 2: true, 3: true}},
	}
	for _, tt := range tests {
		seen := map[int]bool{}
		for seed := int64(0); seed < 30; seed++ {
			got := ChooseToStop(cands, running, tt.strategies, rand.New(rand.NewSource(seed)))
			if !tt.want[got] {
				t.Fatalf("%s (seed %d): stopped %d, want one of %v", tt.name, seed, got, tt.want)
			}
			seen[got] = true
		}
		if len(seen) != len(tt.want) {
			t.Errorf("%s: over 30 seeds stopped only %v of the tied %v", tt.name, seen, tt.want)
		}
	}
	if got := ChooseToStop(cands, nil, nil, nil); got != -1 {
		t.Errorf("nothing running: %d, want -1", got)
	}
	if got := ChooseToStop(cands, running, nil, nil); got != 0 {
		t.Errorf("nil rnd: %d, want the first tied task", got)
	}
	bad := []Placed{{"t0", 7, need}, {"t1", -1, need}, {"t2", 2, need}}
	if got := ChooseToStop(cands, bad, s("binpack", "memory"), nil); got != 2 {
		t.Errorf("out-of-range instances: %d, want 2", got)
	}
}

func TestChooseToStopKeepsAZsBalanced(t *testing.T) {
	// Scale a service placed evenly over 3 AZs down one task at a time: the AZ counts
	// stay within one of each other all the way down.
	cands := []Candidate{cand("i-0", "a", 4096, 8000), cand("i-1", "b", 4096, 8000), cand("i-2", "c", 4096, 8000)}
	var running []Placed
	for i := range 9 {
		running = append(running, Placed{TaskARN: "t", Instance: i % 3})
	}
	rnd := rand.New(rand.NewSource(3))
	for len(running) > 0 {
		i := ChooseToStop(cands, running, nil, rnd)
		running = append(running[:i], running[i+1:]...)
		counts := [3]int{}
		for _, r := range running {
			counts[r.Instance]++
		}
		lo, hi := min(counts[0], counts[1], counts[2]), max(counts[0], counts[1], counts[2])
		if hi-lo > 1 {
			t.Fatalf("with %d left the AZ counts are %v", len(running), counts)
		}
	}
}
