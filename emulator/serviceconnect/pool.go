package serviceconnect

import (
	"slices"
	"sync"
	"time"
)

// attempts is how many endpoints one connection or request may try: the first and two
// retries, as the Service Connect proxy does ("retries: 2, never to the same host").
const attempts = 3

// Outlier detection, as the Service Connect proxy does it: an endpoint that fails
// ejectAfter connections within failWindow is left out for ejectFor (ECS: 30 to 300 s;
// ecsmini takes the shortest), unless every endpoint is out.
const (
	ejectAfter = 5
	failWindow = 30 * time.Second
	ejectFor   = 30 * time.Second
)

// pool is a listener's endpoints, its round-robin position and the endpoints' recent
// connection failures.
type pool struct {
	mu        sync.Mutex
	endpoints []string
	next      int
	failures  map[string][]time.Time // recent failures, oldest first
	ejected   map[string]time.Time   // until when
	now       func() time.Time       // tests set it; nil is time.Now
}

func (p *pool) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

// set replaces the endpoints, keeping the round-robin position and what is known of
// the endpoints that remain.
func (p *pool) set(endpoints []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if slices.Equal(p.endpoints, endpoints) {
		return
	}
	p.endpoints = slices.Clone(endpoints)
	for ep := range p.failures {
		if !slices.Contains(endpoints, ep) {
			delete(p.failures, ep)
		}
	}
	for ep := range p.ejected {
		if !slices.Contains(endpoints, ep) {
			delete(p.ejected, ep)
		}
	}
}

// order returns up to n distinct endpoints to try, in round-robin order: the first is
// the next one in turn, the others the retries after it. Ejected endpoints come only
// when no other is left. The position advances by one, so consecutive calls start at
// consecutive endpoints.
func (p *pool) order(n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := len(p.endpoints)
	if k == 0 {
		return nil
	}
	now := p.clock()
	start := p.next % k
	p.next = (start + 1) % k
	out := make([]string, 0, min(n, k))
	var out2 []string // ejected, as a last resort
	for i := 0; i < k && len(out) < n; i++ {
		ep := p.endpoints[(start+i)%k]
		if until, ok := p.ejected[ep]; ok && now.Before(until) {
			out2 = append(out2, ep)
			continue
		}
		out = append(out, ep)
	}
	if len(out) == 0 {
		return out2[:min(n, len(out2))]
	}
	return out
}

// failed records a failed connection to ep, ejecting it after too many.
func (p *pool) failed(ep string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock()
	recent := p.failures[ep]
	for len(recent) > 0 && now.Sub(recent[0]) > failWindow {
		recent = recent[1:]
	}
	recent = append(recent, now)
	if len(recent) >= ejectAfter {
		if p.ejected == nil {
			p.ejected = map[string]time.Time{}
		}
		p.ejected[ep] = now.Add(ejectFor)
		recent = nil
	}
	if p.failures == nil {
		p.failures = map[string][]time.Time{}
	}
	p.failures[ep] = recent
}
