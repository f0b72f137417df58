package lb

import (
	"errors"
	"io"
	"net"
	"sort"
	"sync"
)

// proxyConn is one client connection proxied to one target. The flags, guarded by
// Balancer.mu, let a drain end the connection between exchanges rather than inside one.
type proxyConn struct {
	client, backend net.Conn
	t               *target

	upBusy, downBusy bool // a chunk read from one side is being written to the other
	// awaitingReply: the client spoke last, so a reply is presumably on its way. It is
	// set before a client chunk is forwarded and cleared before a backend chunk is, so a
	// late bookkeeping step for a reply can never clear it for the next request (which
	// the client could only send after that reply reached it).
	awaitingReply bool
	upDone        bool // the client finished sending; the backend got its FIN
	closing       bool // the drain deadline passed: end at the next quiet point
	finSent       bool // the balancer half-closed the backend to end the exchange
	detached      bool // no longer counted on its target

	closeOnce sync.Once
}

// quietLocked reports whether the connection sits between exchanges: nothing in flight
// and the backend spoke last.
func (c *proxyConn) quietLocked() bool { return !c.upBusy && !c.downBusy && !c.awaitingReply }

// closeSockets closes both sides, which ends both pipe goroutines.
func (c *proxyConn) closeSockets() {
	c.closeOnce.Do(func() {
		_ = c.client.Close()
		_ = c.backend.Close()
	})
}

// bufPool recycles the 64 KiB copy buffers (32 KiB measured half the throughput), so
// short connections do not allocate 128 KiB each.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// serve connects a client to a target: candidates in order, each dialled at most once,
// a failed dial moving on to the next. It exits when the connection is over or no
// candidate accepted it (then the client is closed).
func (b *Balancer) serve(client net.Conn) {
	defer b.wg.Done()
	var errs []error
	for _, t := range b.candidates() {
		addr, ok := b.eligible(t)
		if !ok {
			continue
		}
		backend, err := b.dial(addr, connectTimeout)
		if err != nil {
			// The health checker, not one failed dial, decides the target's state.
			b.log.Debug("target refused a connection; trying the next", "target", t.id, "err", err)
			errs = append(errs, err)
			continue
		}
		c := &proxyConn{client: client, backend: backend, t: t}
		if !b.attach(c) {
			_ = backend.Close()
			continue
		}
		b.proxy(c)
		return
	}
	if !b.isClosed() {
		b.log.Warn("no target accepted a connection", "client", client.RemoteAddr().String(), "err", errors.Join(errs...))
	}
	_ = client.Close()
}

// candidates orders the targets for a new connection: the healthy ones round robin, then
// (failing open, as ELB does when no target is healthy) the initial and unhealthy ones,
// which also serve as a last resort when every healthy target refuses the connection.
func (b *Balancer) candidates() []*target {
	b.mu.Lock()
	defer b.mu.Unlock()
	var healthy, others []*target
	for _, t := range b.targets {
		switch t.state {
		case StateHealthy:
			healthy = append(healthy, t)
		case StateInitial, StateUnhealthy:
			others = append(others, t)
		}
	}
	start := b.rr
	b.rr++
	if len(b.weights) > 0 {
		return b.weighted(healthy, others, start)
	}
	return append(rotate(healthy, start), rotate(others, start)...)
}

// rotate sorts ts by ID and starts the list at position n (mod its length).
func rotate(ts []*target, n uint64) []*target {
	if len(ts) == 0 {
		return nil
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })
	k := int(n % uint64(len(ts)))
	return append(ts[k:], ts[:k]...)
}

// eligible reports whether t may still take a new connection, and where it listens.
func (b *Balancer) eligible(t *target) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.targets[t.id] != t || t.state == StateDraining {
		return "", false
	}
	return t.addr, true
}

// attach counts c on its target unless the target started draining (or the balancer
// closed) while c was dialling. It accounts for the upstream pipe goroutine.
func (b *Balancer) attach(c *proxyConn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := c.t
	if b.closed || b.targets[t.id] != t || t.state == StateDraining {
		return false
	}
	t.conns[c] = struct{}{}
	b.conns[c] = struct{}{}
	b.wg.Add(1)
	return true
}

// detachLocked stops counting c; the last connection of a draining target ends its drain.
func (b *Balancer) detachLocked(c *proxyConn) {
	if c.detached {
		return
	}
	c.detached = true
	delete(b.conns, c)
	t := c.t
	delete(t.conns, c)
	if t.state == StateDraining && len(t.conns) == 0 && b.targets[t.id] == t {
		b.removeLocked(t)
	}
}

// proxy copies both ways until both directions are done, then releases c. The upstream
// copy runs in a goroutine that exits when the client stops sending or a socket closes.
func (b *Balancer) proxy(c *proxyConn) {
	upDone := make(chan struct{})
	go func() {
		defer b.wg.Done()
		defer close(upDone)
		b.pipe(c, true)
	}()
	b.pipe(c, false)
	<-upDone
	b.mu.Lock()
	b.detachLocked(c)
	b.mu.Unlock()
	c.closeSockets()
}

// pipe copies one direction (up: client to backend). On EOF it forwards a half-close so
// request/response protocols see the end of the other side's data; on any error it
// closes both sockets, which ends the other direction too.
func (b *Balancer) pipe(c *proxyConn, up bool) {
	src, dst := c.backend, c.client
	if up {
		src, dst = c.client, c.backend
	}
	bufp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bufp)
	buf := *bufp
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if !b.beginWrite(c, up) {
				c.closeSockets()
				return
			}
			_, werr := dst.Write(buf[:n])
			finish := b.endWrite(c, up)
			if werr != nil {
				c.closeSockets()
				return
			}
			if finish {
				b.finishQuietly(c)
			}
		}
		if rerr != nil {
			b.endOfStream(c, up, dst, rerr)
			return
		}
	}
}

// beginWrite marks a chunk in flight. It refuses a client chunk after the balancer
// half-closed the backend: the client began a new exchange the backend can no longer
// hear, and closing the connection lets it retry elsewhere.
func (b *Balancer) beginWrite(c *proxyConn, up bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if up {
		if c.finSent {
			return false
		}
		if !c.awaitingReply {
			b.requests++ // the client speaks after the backend did (or first): a new request
		}
		c.upBusy, c.awaitingReply = true, true
		return true
	}
	c.downBusy, c.awaitingReply = true, false
	return true
}

// endWrite marks a chunk delivered and reports whether a draining connection just
// reached a quiet point, so the caller should end it with finishQuietly.
func (b *Balancer) endWrite(c *proxyConn, up bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if up {
		c.upBusy = false
	} else {
		c.downBusy = false
	}
	if c.closing && c.quietLocked() && !c.finSent && !c.upDone {
		c.finSent = true
		return true
	}
	return false
}

// endOfStream ends one direction. EOF is forwarded as a half-close (unless the
// balancer already half-closed the backend); anything else closes both sockets.
func (b *Balancer) endOfStream(c *proxyConn, up bool, dst net.Conn, rerr error) {
	if !errors.Is(rerr, io.EOF) {
		c.closeSockets()
		return
	}
	b.mu.Lock()
	skip := up && c.finSent
	if up {
		c.upDone = true
	}
	b.mu.Unlock()
	if skip {
		return
	}
	if err := closeWrite(dst); err != nil {
		c.closeSockets()
	}
}

func closeWrite(conn net.Conn) error {
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return conn.Close()
}
