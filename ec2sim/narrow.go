package ec2sim

import "math/rand"

// narrow keeps only the eligible candidates that are best for one strategy.
//   - binpack cpu/memory: the least remaining of that resource (every eligible candidate fits);
//   - spread instanceId: the fewest tasks of the request's group on the instance;
//   - spread attribute:NAME: the candidates whose value of NAME has the fewest tasks of the
//     group over all non-draining instances (an instance without the attribute counts under
//     the empty value);
//   - random: one candidate drawn with rnd (the first when rnd is nil).
func (p *Placer) narrow(cands []Candidate, s strategy, rnd *rand.Rand) {
	group := p.need.Group
	switch s.kind {
	case stratRandom:
		pick := p.idx[0]
		if rnd != nil {
			pick = p.idx[rnd.Intn(len(p.idx))]
		}
		p.idx = append(p.idx[:0], pick)
	case stratBinpackCPU:
		p.keepMin(func(i int) int { return cands[i].RemainingCPU })
	case stratBinpackMemory:
		p.keepMin(func(i int) int { return cands[i].RemainingMemory })
	case stratSpreadInstance:
		p.keepMin(func(i int) int { return cands[i].groupCount(group) })
	case stratSpreadAttribute:
		p.countValues(cands, s.attr)
		p.keepMin(func(i int) int { return p.countOf(cands[i].Attributes[s.attr]) })
	}
}

// keepMin filters p.idx in place to the candidates with the smallest key.
func (p *Placer) keepMin(key func(i int) int) {
	lowest := key(p.idx[0])
	for _, i := range p.idx[1:] {
		if k := key(i); k < lowest {
			lowest = k
		}
	}
	kept := p.idx[:0]
	for _, i := range p.idx {
		if key(i) == lowest {
			kept = append(kept, i)
		}
	}
	p.idx = kept
}

// smallValueSet is how many distinct values countValues tracks in a slice before switching
// to a map: AZ-like attributes have a handful of values and a linear scan beats hashing.
const smallValueSet = 16

// countValues counts the request group's tasks per value of attr over the non-draining
// candidates.
func (p *Placer) countValues(cands []Candidate, attr string) {
	p.counts = p.counts[:0]
	if p.countMap != nil {
		clear(p.countMap)
	}
	p.manyValues = false
	for i := range cands {
		c := &cands[i]
		if c.Draining {
			continue
		}
		v, n := c.Attributes[attr], c.groupCount(p.need.Group)
		if p.manyValues {
			p.countMap[v] += n
			continue
		}
		found := false
		for j := range p.counts {
			if p.counts[j].value == v {
				p.counts[j].n += n
				found = true
				break
			}
		}
		if found {
			continue
		}
		p.counts = append(p.counts, valueCount{v, n})
		if len(p.counts) > smallValueSet {
			if p.countMap == nil {
				p.countMap = make(map[string]int, 2*smallValueSet)
			}
			for _, vc := range p.counts {
				p.countMap[vc.value] = vc.n
			}
			p.manyValues = true
		}
	}
}

// countOf is the count countValues recorded for v.
func (p *Placer) countOf(v string) int {
	if p.manyValues {
		return p.countMap[v]
	}
	for _, vc := range p.counts {
		if vc.value == v {
			return vc.n
		}
	}
	return 0
}
