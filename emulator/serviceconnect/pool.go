package serviceconnect

import (
	"slices"
	"sync"
)

// attempts is how many endpoints one connection or request may try: the first and two
// retries, as the Service Connect proxy does ("retries: 2, never to the same host").
const attempts = 3

// pool is a listener's endpoints and its round-robin position.
type pool struct {
	mu        sync.Mutex
	endpoints []string
	next      int
}

// set replaces the endpoints, keeping the round-robin position.
func (p *pool) set(endpoints []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !slices.Equal(p.endpoints, endpoints) {
		p.endpoints = slices.Clone(endpoints)
	}
}

// order returns up to n distinct endpoints to try, in round-robin order: the first is
// the next one in turn, the others the retries after it. The position advances by one,
// so consecutive calls start at consecutive endpoints.
func (p *pool) order(n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := len(p.endpoints)
	if k == 0 {
		return nil
	}
	start := p.next % k
	p.next = (start + 1) % k
	out := make([]string, 0, min(n, k))
	for i := 0; i < k && len(out) < n; i++ {
		out = append(out, p.endpoints[(start+i)%k])
	}
	return out
}
