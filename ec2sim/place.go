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

// MaxReservedPorts is how many host ports an instance can have reserved, the agent's
// defaults included (spec 3.2); dynamic ports do not count.
const MaxReservedPorts = 100

var stageReasons = [...]string{
	ReasonNoActiveInstances, ReasonAgent, ReasonAttribute, ReasonCPU, ReasonMemory,
	ReasonPorts, ReasonPortsUDP, ReasonENI, ReasonDistinctInstance, ReasonMemberOf,
}

// Place picks the instance for one task: the index into cands, or -1 and ECS's failure
// reason. It compiles the request on every call (memberOf expressions are cached); use
// Compile and Placer.Place to place many tasks of one request.
func Place(cands []Candidate, req Request, rnd *rand.Rand) (index int, failure string) {
	p := compile(req)
	p.oneShot = true
	return p.Place(cands, rnd)
}

// Place picks the instance for one task of the compiled request; see the package-level Place.
// Strategies narrow the eligible set one after another; a tie left after the last one is
// broken with rnd (or by lowest index when rnd is nil), so a seed gives a fixed outcome.
func (p *Placer) Place(cands []Candidate, rnd *rand.Rand) (index int, failure string) {
	p.refresh(cands)
	p.idx = p.idx[:0]
	best := stageDraining
	for i := range cands {
		c := &cands[i]
		if p.needGroups {
			p.group[i] = -1
			if !c.Draining {
				p.group[i] = int32(c.groupCount(p.need.Group))
			}
		}
		s := p.check(c, i)
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

// check runs the filters on candidate i and returns the first it fails (stagePass if none).
func (p *Placer) check(c *Candidate, i int) stage {
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
	if len(n.Ports) > 0 && len(c.UsedPorts)+len(n.Ports) > MaxReservedPorts {
		return stagePorts
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
	if p.distinct && p.group[i] > 0 {
		return stageDistinct
	}
	if len(p.memberOf) > 0 {
		bits := p.memberBits(c, i)
		for j, e := range p.memberOf {
			if !e.root.matchBits(c, bits[j]) {
				return stageMemberOf
			}
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
