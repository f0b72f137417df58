package admission

import (
	"math/rand"
	"sync"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Random is the random source EC2 placement draws on (random strategies, ties), shared
// by every placement and locked, so a test can seed it once and replay placements.
type Random struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

// NewRandom is a source seeded with seed.
func NewRandom(seed int64) *Random { return &Random{rnd: rand.New(rand.NewSource(seed))} }

// Seed makes later placements repeatable.
func (r *Random) Seed(seed int64) {
	r.mu.Lock()
	r.rnd = rand.New(rand.NewSource(seed))
	r.mu.Unlock()
}

// Place picks an instance for one task among cands.
func (r *Random) Place(cands []ec2sim.Candidate, req ec2sim.Request) (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ec2sim.Place(cands, req, r.rnd)
}

// PlaceWith places with a compiled request.
func (r *Random) PlaceWith(pl *ec2sim.Placer, cands []ec2sim.Candidate) (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return pl.Place(cands, r.rnd)
}

// ChooseToStop picks which of running (positions in cands) to stop first.
func (r *Random) ChooseToStop(cands []ec2sim.Candidate, running []ec2sim.Placed, strategy []ecs.PlacementStrategy) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ec2sim.ChooseToStop(cands, running, strategy, r.rnd)
}

// placeOn places one task among the instances idx; it returns the chosen instance's
// position in c, or -1 and ECS's failure reason.
func (r *Random) PlaceOn(c *state.Capacity, idx []int, req ec2sim.Request) (int, string) {
	if len(idx) == len(c.Cands) {
		return r.Place(c.Cands, req)
	}
	sub := make([]ec2sim.Candidate, len(idx))
	for j, i := range idx {
		sub[j] = c.Cands[i]
	}
	j, why := r.Place(sub, req)
	if j < 0 {
		return -1, why
	}
	return idx[j], ""
}
