package lb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// scheduleCheckLocked arms the next periodic health check of t. The timer carries t's
// generation, so a check armed before a re-registration or a deregistration does nothing.
func (b *Balancer) scheduleCheckLocked(t *target) {
	gen := t.gen
	t.checkTimer = b.cfg.Clock.AfterFunc(b.cfg.HealthInterval, func() { b.checkTick(t, gen) })
}

// checkTick runs on the clock every HealthInterval: it re-arms itself and starts a check.
func (b *Balancer) checkTick(t *target, gen uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.targets[t.id] != t || t.gen != gen {
		return
	}
	b.scheduleCheckLocked(t)
	b.startCheckLocked(t)
}

// startCheckLocked dials t in a new goroutine unless a check of this generation is still
// in flight (a target slower than the interval is checked at most once at a time).
func (b *Balancer) startCheckLocked(t *target) {
	if t.inflight == t.gen {
		return
	}
	t.inflight = t.gen
	b.wg.Add(1)
	b.checks.Add(1)
	go b.check(t, t.gen, t.addr)
}

// check is one TCP health check. It exits after one dial, bounded by the dial timeout
// and by Close cancelling b.ctx.
func (b *Balancer) check(t *target, gen uint64, addr string) {
	defer b.wg.Done()
	defer b.checks.Done()
	conn, err := b.dial(addr, b.checkTimeout)
	if err == nil {
		_ = conn.Close()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.recordLocked(t, gen, err)
}

// recordLocked applies a check result to t if it still belongs to t's current
// registration, moving between initial, healthy and unhealthy on the thresholds.
func (b *Balancer) recordLocked(t *target, gen uint64, err error) {
	if t.inflight == gen {
		t.inflight = 0
	}
	if b.closed || b.targets[t.id] != t || t.gen != gen {
		return
	}
	if err == nil {
		t.okRun++
		t.failRun = 0
		if t.state != StateHealthy && t.okRun >= b.cfg.HealthyThreshold {
			b.setStateLocked(t, StateHealthy, "", "")
		}
		return
	}
	t.failRun++
	t.okRun = 0
	b.log.Debug("health check failed", "target", t.id, "err", err)
	if t.state != StateUnhealthy && t.failRun >= b.cfg.UnhealthyThreshold {
		reason := ReasonFailedHealthChecks
		if isTimeout(err) {
			reason = ReasonTimeout
		}
		b.setStateLocked(t, StateUnhealthy, reason, err.Error())
	}
}

// dial connects to a target for a health check or a client connection.
//
// The timeout is wall time (net.Dialer's), not the balancer's Clock, on purpose: it
// bounds a real network operation, and on a fast-forwarded clock a clock-based timeout
// would fail healthy local targets. Close cancels b.ctx to end dials early.
func (b *Balancer) dial(addr string, timeout time.Duration) (net.Conn, error) {
	var conn net.Conn
	var err error
	if b.cfg.Dial != nil {
		ctx, cancel := context.WithTimeout(b.ctx, timeout)
		conn, err = b.cfg.Dial(ctx, addr)
		cancel()
	} else {
		d := net.Dialer{Timeout: timeout}
		conn, err = d.DialContext(b.ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to target %s: %w", addr, err)
	}
	return conn, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
