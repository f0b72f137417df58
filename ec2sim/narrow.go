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
		p.keepMin(func(i int) int { return int(p.group[i]) })
	case stratSpreadAttribute:
		// Intern the eligible candidates' values first so counts covers every slot keepMin reads.
		for _, i := range p.idx {
			p.slot(cands, i, s.k)
		}
		p.counts = p.counts[:0]
		for i, g := range p.group[:len(cands)] {
			if g > 0 {
				sl := int(p.slot(cands, i, s.k))
				for len(p.counts) <= sl {
					p.counts = append(p.counts, 0)
				}
				p.counts[sl] += int(g)
			}
		}
		for len(p.counts) < len(p.index[s.k]) {
			p.counts = append(p.counts, 0)
		}
		ns := len(p.spreadAttrs)
		p.keepMin(func(i int) int { return p.counts[p.slots[i*ns+s.k]] })
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
