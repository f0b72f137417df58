package serviceconnect

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// serveTCP accepts until the listener closes; each connection goes to one endpoint.
func (p *Proxy) serveTCP(ctx context.Context, l *listener, conns *sync.WaitGroup) {
	idle := l.spec.IdleTimeout()
	for {
		c, err := l.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		l.counts.connections.Add(1)
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { c.Close() })
			defer stop()
			up := p.dialAny(ctx, l)
			if up == nil {
				l.counts.failures.Add(1)
				return // the client sees its connection closed, as with Envoy
			}
			defer up.Close()
			stopUp := context.AfterFunc(ctx, func() { up.Close() })
			defer stopUp()
			pipe(c, up, idle)
		}()
	}
}

// dialAny connects to the endpoints in round-robin order until one answers; nil when
// none does.
func (p *Proxy) dialAny(ctx context.Context, l *listener) net.Conn {
	for _, ep := range l.pool.order(attempts) {
		d := net.Dialer{Timeout: p.connectTimeout()}
		up, err := d.DialContext(ctx, "tcp", ep)
		if err == nil {
			return up
		}
		if ctx.Err() != nil {
			return nil
		}
		l.counts.connectFailures.Add(1)
		l.pool.failed(ep)
	}
	return nil
}

// pipe copies both ways until both directions end, or until nothing moves in either
// direction for idle (0: no limit). A half-close is passed on.
func pipe(a, b net.Conn, idle time.Duration) {
	var last lastActive
	last.touch()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); copyHalf(b, a, &last) }()
	go func() { defer wg.Done(); copyHalf(a, b, &last) }()
	go func() { wg.Wait(); close(done) }()
	if idle <= 0 {
		<-done
		return
	}
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			since := time.Since(last.get())
			if since >= idle {
				a.Close()
				b.Close()
				<-done
				return
			}
			t.Reset(idle - since)
		}
	}
}

// copyHalf copies src to dst, noting activity, then half-closes dst.
func copyHalf(dst, src net.Conn, last *lastActive) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			last.touch()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	if cw, ok := dst.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	} else {
		_ = dst.Close()
	}
}

// lastActive is when a connection last moved bytes (Unix nanoseconds).
type lastActive struct{ ns atomic.Int64 }

func (l *lastActive) touch()         { l.ns.Store(time.Now().UnixNano()) }
func (l *lastActive) get() time.Time { return time.Unix(0, l.ns.Load()) }
