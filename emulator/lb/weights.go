package lb

// Weighted routing: during a LINEAR, CANARY or BLUE_GREEN deployment the production
// listener splits requests between the blue and the green revision as a weighted
// listener rule does. Each target belongs to a group (its revision); SetWeights gives
// each group its share of new connections. The choice is smooth weighted round robin,
// so that any run of connections follows the weights closely and tests can count.

// SetGroup puts target id in group (ignored for an unknown id).
func (b *Balancer) SetGroup(id, group string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.targets[id]; t != nil {
		t.group = group
	}
}

// SetWeights sets each group's share of new connections (any non-negative numbers; a
// group not named gets none while a named one can serve). nil or empty returns to
// plain round robin over every target.
func (b *Balancer) SetWeights(w map[string]float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(w) == 0 {
		b.weights, b.credit, b.picks = nil, nil, nil
		return
	}
	b.weights = make(map[string]float64, len(w))
	for g, v := range w {
		if v > 0 {
			b.weights[g] = v
		}
	}
	if len(b.weights) == 0 {
		b.weights = nil
	}
	b.credit, b.picks = map[string]float64{}, map[string]uint64{}
}

// Weights is the split in force (nil: round robin).
func (b *Balancer) Weights() map[string]float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.weights == nil {
		return nil
	}
	out := make(map[string]float64, len(b.weights))
	for g, v := range b.weights {
		out[g] = v
	}
	return out
}

// weighted orders the candidates for one connection under the weights: the chosen
// group's healthy targets, then the other weighted groups' healthy targets, then their
// initial and unhealthy ones, and only then (failing open) the targets of groups
// without weight. The group is chosen among those with a healthy target, so a revision
// not yet ready does not take its share. b.mu is held.
func (b *Balancer) weighted(healthy, others []*target, start uint64) []*target {
	ready := map[string]bool{}
	for _, t := range healthy {
		if b.weights[t.group] > 0 {
			ready[t.group] = true
		}
	}
	pick, total := "", 0.0
	for g, w := range b.weights {
		if !ready[g] {
			continue
		}
		b.credit[g] += w
		total += w
		if pick == "" || b.credit[g] > b.credit[pick] || (b.credit[g] == b.credit[pick] && g < pick) {
			pick = g
		}
	}
	if pick != "" {
		b.credit[pick] -= total
	}
	var chosen, rest, late, unweighted []*target
	for _, t := range healthy {
		switch {
		case t.group == pick && pick != "":
			chosen = append(chosen, t)
		case b.weights[t.group] > 0:
			rest = append(rest, t)
		default:
			unweighted = append(unweighted, t)
		}
	}
	for _, t := range others {
		if b.weights[t.group] > 0 {
			late = append(late, t)
		} else {
			unweighted = append(unweighted, t)
		}
	}
	// Each group keeps its own round robin, so that its targets share its weight evenly.
	n := b.picks[pick]
	b.picks[pick]++
	out := append(rotate(chosen, n), rotate(rest, start)...)
	out = append(out, rotate(late, start)...)
	return append(out, rotate(unweighted, start)...)
}
