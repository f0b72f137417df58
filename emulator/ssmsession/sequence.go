package ssmsession

import (
	"maps"
	"slices"
	"time"
)

// Sender numbers one side's stream-data messages from 0, as the peer expects them.
// Not safe for concurrent use; one goroutine (or a mutex) owns it.
type Sender struct {
	Type    string // InputStreamData or OutputStreamData
	next    int64
	unacked map[int64]pending
}

// Next returns the next stream-data message carrying payload.
func (s *Sender) Next(pt PayloadType, payload []byte, now time.Time) Message {
	m := Message{Type: s.Type, SchemaVersion: 1, CreatedDate: now, Sequence: s.next, ID: NewUUID(), PayloadType: pt, Payload: payload}
	s.next++
	return m
}

// Receiver delivers the peer's stream-data messages once each and in order: a message
// with the expected sequence number is delivered (with any buffered successors), a
// repeat of one already delivered is acknowledged again but not delivered (the peer
// resent it because our acknowledgement was late), and one from the future is held
// until the gap is filled.
type Receiver struct {
	expected int64
	held     map[int64]Message
}

// maxHeld bounds the messages held for a gap; beyond it the peer must resend.
const maxHeld = 1000

// Receive takes a stream-data message and says whether to acknowledge it and which
// messages are now deliverable, in order.
func (r *Receiver) Receive(m Message) (ack bool, deliver []Message) {
	switch {
	case m.Sequence < r.expected:
		return true, nil
	case m.Sequence > r.expected:
		if r.held == nil {
			r.held = make(map[int64]Message)
		}
		if len(r.held) >= maxHeld {
			return false, nil
		}
		r.held[m.Sequence] = m
		return true, nil
	}
	deliver = append(deliver, m)
	r.expected++
	for {
		next, ok := r.held[r.expected]
		if !ok {
			return true, deliver
		}
		delete(r.held, r.expected)
		deliver = append(deliver, next)
		r.expected++
	}
}

// pending is a sent message not yet acknowledged.
type pending struct {
	msg    Message
	sentAt time.Time
}

// Track remembers a sent message until Acked names its sequence number.
func (s *Sender) Track(m Message, now time.Time) {
	if s.unacked == nil {
		s.unacked = make(map[int64]pending)
	}
	s.unacked[m.Sequence] = pending{msg: m, sentAt: now}
}

// Acked forgets the message with that sequence number.
func (s *Sender) Acked(seq int64) { delete(s.unacked, seq) }

// Unacked is how many sent messages wait for their acknowledgement.
func (s *Sender) Unacked() int { return len(s.unacked) }

// Due returns the tracked messages sent at least after ago, in sequence order, and
// restarts their wait: the caller resends them.
func (s *Sender) Due(now time.Time, after time.Duration) []Message {
	var due []Message
	for _, seq := range slices.Sorted(maps.Keys(s.unacked)) {
		p := s.unacked[seq]
		if now.Sub(p.sentAt) < after {
			continue
		}
		due = append(due, p.msg)
		s.unacked[seq] = pending{msg: p.msg, sentAt: now}
	}
	return due
}
