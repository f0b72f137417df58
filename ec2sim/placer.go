package ec2sim

// Placer is a compiled Request: strategies resolved and memberOf expressions parsed once,
// plus what it learnt about the candidates. Placing many tasks of one request (a service's
// desired count, RunTask's count, a benchmark) through one Placer avoids re-parsing and
// allocation. A Placer is not safe for concurrent use.
//
// Between calls a Placer remembers, per position in cands, each candidate's results for the
// memberOf conditions on static subjects (attribute:*, ec2InstanceId, registeredAt) and its
// values of spread attributes; a position is recomputed when the candidate's ARN there
// changes. Reserve and Release never change those, so a loop of Place and Reserve over one
// slice is safe. A caller that changes a candidate's attributes in place (PutAttributes)
// between calls calls Forget first. The package-level Place compiles afresh every time.
type Placer struct {
	need        Need
	strategies  []strategy
	spreadAttrs []string // attribute names of the spread strategies, by strategy.k
	distinct    bool
	memberOf    []*Expr
	needGroups  bool // distinctInstance or a spread: group counts are read every call
	oneShot     bool // built by the package-level Place for a single call: remember nothing

	// Per candidate position, kept between calls.
	known []uint8            // knownBits | knownSlots
	arns  []string           // ARN the cached data was computed for
	bits  []uint64           // [i*len(memberOf)+j]: static condition results of memberOf[j]
	slots []int32            // [i*len(spreadAttrs)+k]: interned value of spreadAttrs[k]
	index []map[string]int32 // per spread attribute: value -> slot

	// Scratch, per call.
	group  []int32 // tasks of need.Group per candidate; -1 when draining
	idx    []int   // eligible candidate indices
	counts []int   // tasks of the group per spread value
}

// Compile validates and compiles a request for repeated placement; the error is
// ValidatePlacement's.
func Compile(req Request) (*Placer, error) {
	if err := ValidatePlacement(req.Strategies, req.Constraints); err != nil {
		return nil, err
	}
	return compile(req), nil
}

// compile builds a Placer without validating: an invalid strategy is skipped and an
// unparsable memberOf expression matches nothing, so the one-shot Place still answers with a
// failure reason instead of an error.
func compile(req Request) *Placer {
	p := &Placer{need: req.Need}
	var strategies []strategy
	for _, s := range req.Strategies {
		if st, err := compileStrategy(s); err == nil {
			strategies = append(strategies, st)
		}
	}
	if len(req.Strategies) == 0 {
		if req.Service {
			strategies = []strategy{{kind: stratSpreadAttribute, attr: "ecs.availability-zone"}, {kind: stratSpreadInstance}}
		} else {
			strategies = []strategy{{kind: stratRandom}}
		}
	}
	for _, st := range strategies {
		switch st.kind {
		case stratSpreadAttribute:
			st.k = len(p.spreadAttrs)
			p.spreadAttrs = append(p.spreadAttrs, st.attr)
			p.index = append(p.index, map[string]int32{})
			p.needGroups = true
		case stratSpreadInstance:
			p.needGroups = true
		}
		p.strategies = append(p.strategies, st)
	}
	for _, c := range req.Constraints {
		switch c.Type {
		case ConstraintDistinctInstance:
			p.distinct, p.needGroups = true, true
		case ConstraintMemberOf:
			e, err := cachedExpression(c.Expression)
			if err != nil {
				e = &Expr{src: c.Expression, root: matchNothing{}}
			}
			p.memberOf = append(p.memberOf, e)
		}
	}
	return p
}

// matchNothing stands in for an expression that did not parse.
type matchNothing struct{}

func (matchNothing) match(*Candidate) bool { return false }

// Need is the task need the Placer was compiled for.
func (p *Placer) Need() Need { return p.need }

// Forget drops what the Placer remembers about candidates; call it after changing a
// candidate's attributes, EC2 instance id or registration time in place.
func (p *Placer) Forget() {
	p.known, p.arns, p.bits, p.slots = nil, nil, nil, nil
	for k := range p.index {
		p.index[k] = map[string]int32{}
	}
}

// What a Placer has worked out for a candidate position (Placer.known).
const (
	knownBits  uint8 = 1 << iota // bits holds the static memberOf results
	knownSlots                   // slots holds the spread attribute values
)

// refresh sizes the per-candidate state for cands and forgets the positions that now hold
// another instance. The static data itself is computed lazily, for the candidates that reach
// the memberOf filter or a spread, so a one-shot Place pays only for what it reads.
func (p *Placer) refresh(cands []Candidate) {
	n := len(cands)
	if len(p.known) != n {
		p.known = make([]uint8, n)
		p.bits = make([]uint64, n*len(p.memberOf))
		p.slots = make([]int32, n*len(p.spreadAttrs))
		p.group = make([]int32, n)
		if p.oneShot {
			return // used once: nothing to tell apart from a later call
		}
		p.arns = make([]string, n)
	}
	if p.oneShot {
		return
	}
	for i := range cands {
		if arn := cands[i].ARN; p.arns[i] != arn {
			p.arns[i], p.known[i] = arn, 0
		}
	}
}

// memberBits returns the static condition results of the memberOf expressions for
// candidate i, computing them on first use.
func (p *Placer) memberBits(c *Candidate, i int) []uint64 {
	nm := len(p.memberOf)
	bits := p.bits[i*nm : (i+1)*nm]
	if p.known[i]&knownBits == 0 {
		for j, e := range p.memberOf {
			bits[j] = e.staticBits(c)
		}
		p.known[i] |= knownBits
	}
	return bits
}

// slot returns the interned value of spread attribute k for candidate i, computing the
// candidate's slots on first use.
func (p *Placer) slot(cands []Candidate, i, k int) int32 {
	ns := len(p.spreadAttrs)
	if p.known[i]&knownSlots == 0 {
		for kk, attr := range p.spreadAttrs {
			v := cands[i].Attributes[attr]
			s, ok := p.index[kk][v]
			if !ok {
				s = int32(len(p.index[kk]))
				p.index[kk][v] = s
			}
			p.slots[i*ns+kk] = s
		}
		p.known[i] |= knownSlots
	}
	return p.slots[i*ns+k]
}
