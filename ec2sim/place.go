package ec2sim

import (
	"math/rand"
	"strings"
	"sync"
)

// Failure reasons Place reports, ECS's vocabulary (spec 4.8). ReasonPortsUDP and
// ReasonDistinctInstance are ecsmini's extensions in the same style.
const (
	ReasonNoActiveInstances = "NO ACTIVE INSTANCES"
	ReasonAgent             = "AGENT"
	ReasonAttribute         = "ATTRIBUTE"
	ReasonCPU               = "RESOURCE:CPU"
	ReasonMemory            = "RESOURCE:MEMORY"
	ReasonPorts             = "RESOURCE:PORTS"
	ReasonPortsUDP          = "RESOURCE:PORTS_UDP"
	ReasonENI               = "RESOURCE:ENI"
	ReasonDistinctInstance  = "DistinctInstance placement constraint unsatisfied"
	ReasonMemberOf          = "MemberOf placement constraint unsatisfied"
)

// stage is a placement filter; filters run in this order and a candidate's stage is the
// first filter it fails. When no candidate passes, the reason is that of the latest stage
// reached by any candidate — the filter that eliminated the last remaining candidates, which
// is what ECS reports. The order follows spec 4.1: instance state, then the task
// definition's needs (agent, attributes, CPU, memory, ports, ENI), then the constraints.
type stage int

const (
	stageDraining stage = iota
	stageAgent
	stageAttribute
	stageCPU
	stageMemory
	stagePorts
	stagePortsUDP
	stageENI
	stageDistinct
	stageMemberOf
	stagePass
)

var stageReasons = [...]string{
	ReasonNoActiveInstances, ReasonAgent, ReasonAttribute, ReasonCPU, ReasonMemory,
	ReasonPorts, ReasonPortsUDP, ReasonENI, ReasonDistinctInstance, ReasonMemberOf,
}

// Placer is a compiled Request: strategies resolved and memberOf expressions parsed once,
// with scratch space reused between calls. Placing many tasks of one request (a service's
// desired count, RunTask's count) through one Placer avoids re-parsing and allocation.
// A Placer is not safe for concurrent use.
type Placer struct {
	need       Need
	strategies []strategy
	distinct   bool
	memberOf   []*Expr
	idx        []int          // scratch: eligible candidate indices
	counts     []valueCount   // scratch: spread counts per attribute value
	countMap   map[string]int // scratch when an attribute has many values
	manyValues bool           // countValues filled countMap rather than counts
}

type valueCount struct {
	value string
	n     int
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
	for _, s := range req.Strategies {
		if st, err := compileStrategy(s); err == nil {
			p.strategies = append(p.strategies, st)
		}
	}
	if len(req.Strategies) == 0 {
		if req.Service {
			p.strategies = []strategy{{kind: stratSpreadAttribute, attr: "ecs.availability-zone"}, {kind: stratSpreadInstance}}
		} else {
			p.strategies = []strategy{{kind: stratRandom}}
		}
	}
	for _, c := range req.Constraints {
		switch c.Type {
		case ConstraintDistinctInstance:
			p.distinct = true
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

// Place picks the instance for one task: the index into cands, or -1 and ECS's failure
// reason. It compiles the request on every call (memberOf expressions are cached); use
// Compile and Placer.Place to place many tasks of one request.
func Place(cands []Candidate, req Request, rnd *rand.Rand) (index int, failure string) {
	return compile(req).Place(cands, rnd)
}

// Place picks the instance for one task of the compiled request; see the package-level Place.
// Strategies narrow the eligible set one after another; a tie left after the last one is
// broken with rnd (or by lowest index when rnd is nil), so a seed gives a fixed outcome.
func (p *Placer) Place(cands []Candidate, rnd *rand.Rand) (index int, failure string) {
	p.idx = p.idx[:0]
	best := stageDraining
	for i := range cands {
		s := p.check(&cands[i])
		if s == stagePass {
			p.idx = append(p.idx, i)
		} else if s > best {
			best = s
		}
	}
	if len(p.idx) == 0 {
		return -1, stageReasons[best]
	}
	for _, s := range p.strategies {
		if len(p.idx) == 1 {
			break
		}
		p.narrow(cands, s, rnd)
	}
	if len(p.idx) > 1 && rnd != nil {
		return p.idx[rnd.Intn(len(p.idx))], ""
	}
	return p.idx[0], ""
}

// check runs the filters on one candidate and returns the first it fails (stagePass if none).
func (p *Placer) check(c *Candidate) stage {
	n := &p.need
	switch {
	case c.Draining:
		return stageDraining
	case !c.AgentConnected:
		return stageAgent
	}
	for _, a := range n.RequiredAttributes {
		if _, ok := c.Attributes[a]; !ok {
			return stageAttribute
		}
	}
	if n.CPU > c.RemainingCPU {
		return stageCPU
	}
	if n.Memory > c.RemainingMemory {
		return stageMemory
	}
	for _, port := range n.Ports {
		if c.UsedPorts[port] {
			if strings.HasPrefix(port, "udp/") {
				return stagePortsUDP
			}
			return stagePorts
		}
	}
	if n.ENI && c.FreeENIs < 1 {
		return stageENI
	}
	if p.distinct && c.Groups[n.Group] > 0 {
		return stageDistinct
	}
	for _, e := range p.memberOf {
		if !e.Match(c) {
			return stageMemberOf
		}
	}
	return stagePass
}

// exprCache keeps parsed memberOf expressions so the one-shot Place does not re-parse the
// same few expressions on every call. It is reset when it grows past exprCacheMax.
var exprCache = struct {
	sync.Mutex
	m map[string]*Expr
}{m: map[string]*Expr{}}

const exprCacheMax = 512

func cachedExpression(s string) (*Expr, error) {
	exprCache.Lock()
	e, ok := exprCache.m[s]
	exprCache.Unlock()
	if ok {
		return e, nil
	}
	e, err := ParseExpression(s)
	if err != nil {
		return nil, err
	}
	exprCache.Lock()
	if len(exprCache.m) >= exprCacheMax {
		exprCache.m = map[string]*Expr{}
	}
	exprCache.m[s] = e
	exprCache.Unlock()
	return e, nil
}
