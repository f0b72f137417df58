package lb

// Ending connections when a deregistration delay runs out.
//
// A TCP balancer cannot see requests, and ELB simply resets connections at the
// deadline, failing any request in flight on a keep-alive connection. ecsmini ends
// each remaining connection at its next quiet point instead: once nothing is in flight
// and the backend spoke last (for HTTP/1.1, between a response and the next request) it
// half-closes the backend side. The server then finishes writing what it has and closes,
// and the client sees a clean end of the connection and reconnects, to a healthy
// target. A client that had just started a new request on it sees the connection close
// before any reply, which HTTP clients retry for idempotent requests. A connection that
// finds no quiet point within closeGrace (a slow reply, a stream) is cut.

// drainDeadline runs DeregistrationDelay after Deregister.
func (b *Balancer) drainDeadline(t *target, gen uint64) {
	b.mu.Lock()
	if b.closed || b.targets[t.id] != t || t.gen != gen {
		b.mu.Unlock()
		return
	}
	var finish []*proxyConn
	for c := range t.conns {
		c.closing = true
		if c.quietLocked() && !c.finSent && !c.upDone {
			c.finSent = true
			finish = append(finish, c)
		}
	}
	t.graceTimer = b.cfg.Clock.AfterFunc(closeGrace, func() { b.cutDraining(t, gen) })
	b.mu.Unlock()
	for _, c := range finish {
		b.finishQuietly(c)
	}
}

// finishQuietly half-closes the backend side of a draining connection at a quiet point.
func (b *Balancer) finishQuietly(c *proxyConn) {
	if err := closeWrite(c.backend); err != nil {
		c.closeSockets()
	}
}

// cutDraining closes what is left of a drain closeGrace after its deadline; detaching
// the last connection removes the target.
func (b *Balancer) cutDraining(t *target, gen uint64) {
	b.mu.Lock()
	if b.closed || b.targets[t.id] != t || t.gen != gen {
		b.mu.Unlock()
		return
	}
	conns := make([]*proxyConn, 0, len(t.conns))
	for c := range t.conns {
		conns = append(conns, c)
	}
	if len(conns) > 0 {
		b.log.Info("deregistration delay over; closing connections", "target", t.id, "conns", len(conns))
	}
	for _, c := range conns {
		b.detachLocked(c)
	}
	b.mu.Unlock()
	for _, c := range conns {
		c.closeSockets()
	}
}
