package cwlogs

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// PutLogEvents limits, as the Logs API documents them.
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	maxBatchSpan   = 24 * time.Hour
	maxFuture      = 2 * time.Hour
	maxPast        = 14 * 24 * time.Hour
	maxGetBytes    = 1 << 20 // GetLogEvents and FilterLogEvents return at most 1 MB
)

// PutLogEvents adds a batch of events to a stream. Events more than two hours in the
// future, more than 14 days old or older than the group's retention are rejected by
// index, as CloudWatch Logs does; the rest are stored.
func (s *Service) PutLogEvents(in *PutLogEventsInput) (*PutLogEventsOutput, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := checkStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	n := len(in.LogEvents)
	if n == 0 {
		return nil, ecs.InvalidParameter("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if n > maxBatchEvents {
		return nil, ecs.InvalidParameter("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to %d", maxBatchEvents)
	}
	var size int64
	for i, e := range in.LogEvents {
		if e.Timestamp == nil || e.Message == nil {
			return nil, ecs.InvalidParameter("1 validation error detected: Value null at 'logEvents.%d.member.%s' failed to satisfy constraint: Member must not be null", i+1, map[bool]string{true: "timestamp", false: "message"}[e.Timestamp == nil])
		}
		if *e.Message == "" {
			return nil, ecs.InvalidParameter("1 validation error detected: Value '' at 'logEvents.%d.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		}
		if i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, ecs.InvalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size += int64(len(*e.Message)) + eventOverhead
	}
	if size > maxBatchBytes {
		return nil, ecs.InvalidParameter("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	if time.Duration(*in.LogEvents[n-1].Timestamp-*in.LogEvents[0].Timestamp)*time.Millisecond > maxBatchSpan {
		return nil, ecs.InvalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	st := g.streams[in.LogStreamName]
	if st == nil {
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgStreamNotFound)
	}
	now := s.cfg.Clock.Now()
	tooNew := now.Add(maxFuture).UnixMilli()
	tooOld := now.Add(-maxPast).UnixMilli()
	expired := int64(-1 << 63)
	if g.retention > 0 {
		expired = now.Add(-time.Duration(g.retention) * 24 * time.Hour).UnixMilli()
	}
	var rej RejectedLogEventsInfo
	rejected := false
	var evs []event
	for i, e := range in.LogEvents {
		ts := *e.Timestamp
		switch {
		case ts > tooNew:
			if rej.TooNewLogEventStartIndex == nil {
				rej.TooNewLogEventStartIndex = ecs.Ptr(i)
			}
			rejected = true
			continue
		case ts < tooOld:
			rej.TooOldLogEventEndIndex, rejected = ecs.Ptr(i), true
			continue
		case ts < expired:
			rej.ExpiredLogEventEndIndex, rejected = ecs.Ptr(i), true
			continue
		}
		evs = append(evs, event{ts: ts, msg: *e.Message})
	}
	if err := s.ingestLocked(st, evs, now.UnixMilli()); err != nil {
		return nil, err
	}
	out := &PutLogEventsOutput{NextSequenceToken: sequenceToken(st)}
	if rejected {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

// ingestLocked stores events (stamped with ingestion time and sequence numbers) in
// timestamp order, appends them to the stream's file and applies the stream cap.
func (s *Service) ingestLocked(st *stream, evs []event, ingest int64) error {
	if len(evs) == 0 {
		return nil
	}
	sorted := len(st.events) == 0 || st.events[len(st.events)-1].ts <= evs[0].ts
	for i := range evs {
		evs[i].ingest, evs[i].seq = ingest, st.nextSeq
		st.nextSeq++
		st.bytes += evs[i].size()
	}
	st.events = append(st.events, evs...)
	if !sorted {
		slices.SortStableFunc(st.events, compareEvents)
	}
	st.lastIngestion = ingest
	if err := s.appendLocked(st, evs); err != nil {
		return fmt.Errorf("cwlogs: storing events: %w", err)
	}
	return s.capLocked(st)
}

// sequenceToken is the (deprecated, ignored) token PutLogEvents still returns.
func sequenceToken(st *stream) string {
	return fmt.Sprintf("4963%052d", st.nextSeq)
}

// A position in a stream sits between events: key (ts, seq) of an event, read
// exclusively. Tokens carry it with the stream's ID, in AWS's f/<digits>/s shape.
type position struct{ ts, seq int64 }

const maxPositionSeq = 999999999999999999

var (
	headPos = position{0, 0}
	endPos  = position{1<<63 - 1, maxPositionSeq}
)

func (p position) less(e event) bool { return p.ts < e.ts || p.ts == e.ts && p.seq < e.seq }

func encodePos(dir byte, stID int64, p position) string {
	return fmt.Sprintf("%c/%019d%018d%018d/s", dir, p.ts, stID, p.seq)
}

func decodePos(tok string, stID int64) (dir byte, p position, err error) {
	bad := ecs.InvalidParameter(msgBadToken)
	if len(tok) != 2+19+18+18+2 || tok[1] != '/' || tok[len(tok)-2:] != "/s" || (tok[0] != 'f' && tok[0] != 'b') {
		return 0, p, bad
	}
	digits := tok[2 : len(tok)-2]
	ts, err1 := strconv.ParseInt(digits[:19], 10, 64)
	id, err2 := strconv.ParseInt(digits[19:37], 10, 64)
	seq, err3 := strconv.ParseInt(digits[37:], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || id != stID {
		return 0, p, bad
	}
	return tok[0], position{ts, seq}, nil
}

// GetLogEvents reads a stream one page at a time. Without a token it returns the
// newest events (or the oldest with startFromHead); nextForwardToken continues after
// the last event returned and nextBackwardToken before the first. At the end of the
// stream in a direction, the token passed in comes back unchanged.
func (s *Service) GetLogEvents(in *GetLogEventsInput) (*GetLogEventsOutput, error) {
	limit, err := checkLimit(in.Limit, maxBatchEvents, maxBatchEvents)
	if err != nil {
		return nil, err
	}
	id, err := groupIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if err := checkStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(id)
	if err != nil {
		return nil, err
	}
	st := g.streams[in.LogStreamName]
	if st == nil {
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgStreamNotFound)
	}
	forward, from := in.StartFromHead != nil && *in.StartFromHead, endPos
	if forward {
		from = headPos
	}
	if in.NextToken != "" {
		dir, p, err := decodePos(in.NextToken, st.id)
		if err != nil {
			return nil, err
		}
		forward, from = dir == 'f', p
	}
	inRange := func(e event) bool {
		return (in.StartTime == nil || e.ts >= *in.StartTime) && (in.EndTime == nil || e.ts < *in.EndTime)
	}
	var picked []event
	var bytes int64
	take := func(e event) bool {
		if len(picked) == limit || bytes+e.size() > maxGetBytes {
			return false
		}
		picked, bytes = append(picked, e), bytes+e.size()
		return true
	}
	if forward {
		i, _ := slices.BinarySearchFunc(st.events, from, func(e event, p position) int {
			if p.less(e) {
				return 1
			}
			return -1
		})
		for ; i < len(st.events); i++ {
			if inRange(st.events[i]) && !take(st.events[i]) {
				break
			}
		}
	} else {
		i, _ := slices.BinarySearchFunc(st.events, from, func(e event, p position) int {
			if p.less(e) || p == (position{e.ts, e.seq}) {
				return 1
			}
			return -1
		})
		for i--; i >= 0; i-- {
			if inRange(st.events[i]) && !take(st.events[i]) {
				break
			}
		}
		slices.Reverse(picked)
	}
	out := &GetLogEventsOutput{Events: make([]OutputLogEvent, 0, len(picked))}
	for _, e := range picked {
		out.Events = append(out.Events, OutputLogEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	if len(picked) == 0 {
		fwd, back := from, from
		if !forward && from == endPos {
			// Reading back from the end found nothing: going forward from the stream's
			// last event waits for new ones.
			fwd = headPos
			if n := len(st.events); n > 0 {
				fwd = position{st.events[n-1].ts, st.events[n-1].seq}
			}
		}
		out.NextForwardToken, out.NextBackwardToken = encodePos('f', st.id, fwd), encodePos('b', st.id, back)
		return out, nil
	}
	first, last := picked[0], picked[len(picked)-1]
	out.NextForwardToken = encodePos('f', st.id, position{last.ts, last.seq})
	out.NextBackwardToken = encodePos('b', st.id, position{first.ts, first.seq})
	return out, nil
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func atoi(v string) (int, error) { return strconv.Atoi(v) }
