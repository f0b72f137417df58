package serviceconnect

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"sync"
	"time"
)

// Proxy runs a task's listeners. Update makes the running set match a table; Close
// stops them all. It is safe for concurrent use.
type Proxy struct {
	// Log, if set, is told when listeners start, stop and fail.
	Log func(format string, args ...any)
	// ConnectTimeout bounds one connection attempt to an endpoint; 0 is 5 s.
	ConnectTimeout time.Duration

	mu        sync.Mutex
	listeners map[string]*listener // by Addr
	closed    bool
}

// listener is one running Listener.
type listener struct {
	spec   Listener
	pool   pool
	ln     net.Listener
	stop   func() // closes ln and, for HTTP, the server and its connections
	done   chan struct{}
	counts counters
}

func (p *Proxy) logf(format string, args ...any) {
	if p.Log != nil {
		p.Log(format, args...)
	}
}

func (p *Proxy) connectTimeout() time.Duration {
	if p.ConnectTimeout > 0 {
		return p.ConnectTimeout
	}
	return 5 * time.Second
}

// Update starts the listeners of specs that are not running, gives running ones their
// new endpoints (restarting one whose protocol or timeouts changed) and stops those no
// longer listed. A listener that cannot listen is reported in the error; the others
// are still updated.
func (p *Proxy) Update(specs []Listener) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("service connect proxy: closed")
	}
	if p.listeners == nil {
		p.listeners = map[string]*listener{}
	}
	want := make(map[string]Listener, len(specs))
	for _, s := range specs {
		want[s.Addr] = s
	}
	for addr, l := range p.listeners {
		if s, ok := want[addr]; !ok || !s.sameShape(l.spec) {
			l.close()
			delete(p.listeners, addr)
			if !ok {
				p.logf("service connect: %s (%s) stopped", l.spec.Name, addr)
			}
		}
	}
	var errs []error
	for _, addr := range slices.Sorted(maps.Keys(want)) {
		s := want[addr]
		if l, ok := p.listeners[addr]; ok {
			l.spec.Endpoints = s.Endpoints // read by Stats, under p.mu too
			l.pool.set(s.Endpoints)
			continue
		}
		l, err := p.start(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.listeners[addr] = l
		p.logf("service connect: %s on %s → %d endpoints (%s)", s.Name, addr, len(s.Endpoints), protocolText(s))
	}
	return errors.Join(errs...)
}

func protocolText(s Listener) string {
	if s.IsHTTP() {
		return s.AppProtocol
	}
	return "tcp"
}

// start listens on s.Addr and serves it.
func (p *Proxy) start(s Listener) (*listener, error) {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return nil, fmt.Errorf("service connect %s: %w", s.Name, err)
	}
	l := &listener{spec: s, ln: ln, done: make(chan struct{})}
	l.pool.set(s.Endpoints)
	if s.IsHTTP() {
		srv := p.httpServer(l)
		l.stop = func() { _ = srv.Close() }
		go func() { defer close(l.done); _ = srv.Serve(ln) }()
	} else {
		ctx, cancel := context.WithCancel(context.Background())
		var conns sync.WaitGroup
		l.stop = func() { cancel(); ln.Close(); conns.Wait() }
		go func() { defer close(l.done); p.serveTCP(ctx, l, &conns) }()
	}
	return l, nil
}

// close stops the listener and waits for its accept loop.
func (l *listener) close() {
	l.stop()
	<-l.done
}

// Close stops every listener; the proxy cannot be used again.
func (p *Proxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for addr, l := range p.listeners {
		l.close()
		delete(p.listeners, addr)
	}
}

// Stats returns the counters of the running listeners, ordered by address.
func (p *Proxy) Stats() []Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Stats, 0, len(p.listeners))
	for _, addr := range slices.Sorted(maps.Keys(p.listeners)) {
		l := p.listeners[addr]
		out = append(out, Stats{Name: l.spec.Name, Addr: addr, Endpoints: len(l.spec.Endpoints),
			Connections: l.counts.connections.Load(), Requests: l.counts.requests.Load(),
			ConnectFailures: l.counts.connectFailures.Load(), Failures: l.counts.failures.Load(),
			Timeouts: l.counts.timeouts.Load()})
	}
	return out
}

// Bound is the address the listener of addr actually listens on ("" when none runs):
// addr itself, unless its port was 0.
func (p *Proxy) Bound(addr string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.listeners[addr]; ok {
		return l.ln.Addr().String()
	}
	return ""
}
