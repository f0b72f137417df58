package anywhere

import (
	"context"
	"slices"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/agent"
)

// shipper is the remote machine's logs collector's sink: it queues the lines of
// awslogs containers and sends them to ecsmini's CloudWatch Logs in batches, keeping
// them while the link is down (up to maxQueuedLines; beyond that the oldest go, and
// the loss is logged).
type shipper struct {
	a    *Agent
	mu   sync.Mutex
	q    []LineBatch
	n    int // lines queued
	lost int // lines dropped since the last warning
	wake chan struct{}
}

// maxQueuedLines bounds what waits for a lost link.
const maxQueuedLines = 100_000

func newShipper(a *Agent) *shipper { return &shipper{a: a, wake: make(chan struct{}, 1)} }

// Lines implements logs.Sink: lines of containers without an awslogs group are
// ecsmini's business only on this machine.
func (s *shipper) Lines(labels map[string]string, containerID string, lines []string) {
	if labels[agent.LabelAWSLogsGroup] == "" || len(lines) == 0 {
		return
	}
	s.mu.Lock()
	s.q = append(s.q, LineBatch{Labels: labels, ContainerID: containerID, Lines: slices.Clone(lines)})
	s.n += len(lines)
	for s.n > maxQueuedLines && len(s.q) > 1 {
		s.n -= len(s.q[0].Lines)
		s.lost += len(s.q[0].Lines)
		s.q = s.q[1:]
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run sends what is queued until ctx ends.
func (s *shipper) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		for !s.send(ctx) && ctx.Err() == nil {
			sleep(ctx, s.a.cfg.Retry)
		}
	}
}

// send sends the queue, a call per maxShipBytes of lines (ecsmini takes request
// bodies of up to 1 MiB); false when it must be tried again.
func (s *shipper) send(ctx context.Context) bool {
	s.mu.Lock()
	lost := s.lost
	s.lost = 0
	s.mu.Unlock()
	if lost > 0 {
		s.a.cfg.Log.Warn("awslogs lines lost while ecsmini could not be reached", "lines", lost)
	}
	for {
		s.mu.Lock()
		batch := s.take()
		s.mu.Unlock()
		if len(batch) == 0 {
			return true
		}
		err := s.a.call(ctx, LinesPath, LinesRequest{Batches: batch}, nil)
		if err == nil {
			continue
		}
		s.a.cfg.Log.Warn("cannot send awslogs lines to ecsmini; will retry", "err", err)
		s.mu.Lock()
		s.q = append(batch, s.q...)
		for _, b := range batch {
			s.n += len(b.Lines)
		}
		s.mu.Unlock()
		return false
	}
}

// maxShipBytes bounds the text of the lines of one call: JSON escapes a control
// character in six bytes, so even a body of nothing else stays under 1 MiB.
const maxShipBytes = 128 << 10

// take removes the oldest lines, up to maxShipBytes of text (at least one line), from
// the queue; s.mu is held.
func (s *shipper) take() []LineBatch {
	var out []LineBatch
	size := 0
	for len(s.q) > 0 {
		b := s.q[0]
		k := 0
		for k < len(b.Lines) && (size == 0 || size+len(b.Lines[k]) <= maxShipBytes) {
			size += len(b.Lines[k]) + 1
			k++
		}
		if k == 0 {
			break
		}
		out = append(out, LineBatch{Labels: b.Labels, ContainerID: b.ContainerID, Lines: b.Lines[:k:k]})
		s.n -= k
		if k < len(b.Lines) {
			s.q[0].Lines = b.Lines[k:]
			break
		}
		s.q = s.q[1:]
	}
	if len(s.q) == 0 {
		s.q = nil
	}
	return out
}

// flush sends what is left once, as the agent ends.
func (s *shipper) flush(ctx context.Context) {
	if !s.send(ctx) {
		s.a.cfg.Log.Warn("awslogs lines not sent: ecsmini could not be reached as the agent stopped")
	}
}
