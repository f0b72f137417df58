package cwlogs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Live tail limits, as the Logs API documents them.
const (
	tailInterval   = time.Second   // a sessionUpdate a second
	tailMaxEvents  = 500           // per update; beyond that the update is sampled
	tailMaxSession = 3 * time.Hour // then the session times out
	tailMaxGroups  = 10
)

// ErrTailTimeout ends a live tail session after three hours, as CloudWatch Logs does.
var ErrTailTimeout = errors.New("session timed out after three hours")

// StartLiveTailInput is StartLiveTail's request.
type StartLiveTailInput struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
}

// LiveTailSessionStart is the first event of a session.
type LiveTailSessionStart struct {
	RequestID             string   `json:"requestId"`
	SessionID             string   `json:"sessionId"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
}

// LiveTailSessionLogEvent is an event a session update carries.
type LiveTailSessionLogEvent struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

// LiveTailSessionUpdate is what a session sends every second.
type LiveTailSessionUpdate struct {
	SessionMetadata struct {
		Sampled bool `json:"sampled"`
	} `json:"sessionMetadata"`
	SessionResults []LiveTailSessionLogEvent `json:"sessionResults"`
}

// Tail is a live tail session: the events ingested since it started (or since the last
// update) in its groups, streams and pattern.
type Tail struct {
	s       *Service
	in      StartLiveTailInput
	groups  []string // names
	pat     pattern
	seen    map[int64]int64 // stream ID → last sequence number sent
	started time.Time
}

// StartLiveTail validates a live tail request and starts a session from now.
func (s *Service) StartLiveTail(in *StartLiveTailInput) (*Tail, error) {
	switch n := len(in.LogGroupIdentifiers); {
	case n == 0:
		return nil, ecs.InvalidParameter("1 validation error detected: Value null at 'logGroupIdentifiers' failed to satisfy constraint: Member must not be null")
	case n > tailMaxGroups:
		return nil, ecs.InvalidParameter("1 validation error detected: Value at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length less than or equal to %d", tailMaxGroups)
	}
	if len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0 {
		return nil, ecs.InvalidParameter("logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")
	}
	if (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0) && len(in.LogGroupIdentifiers) > 1 {
		return nil, ecs.InvalidParameter("logStreamNames and logStreamNamePrefixes can only be used with a single log group.")
	}
	pat, err := compilePattern(in.LogEventFilterPattern)
	if err != nil {
		return nil, err
	}
	t := &Tail{s: s, in: *in, pat: pat, seen: map[int64]int64{}, started: s.cfg.Clock.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range in.LogGroupIdentifiers {
		g, err := s.groupLocked(id)
		if err != nil {
			return nil, err
		}
		t.groups = append(t.groups, g.name)
		for _, st := range g.streams {
			t.seen[st.id] = st.nextSeq - 1
		}
	}
	return t, nil
}

// Next waits a second on the service's clock and returns the update: the matching
// events ingested since the last one, at most 500 (then Sampled). It ends with ctx's
// error, or ErrTailTimeout three hours after the session started.
func (t *Tail) Next(ctx context.Context) (*LiveTailSessionUpdate, error) {
	tick := make(chan struct{})
	timer := t.s.cfg.Clock.AfterFunc(tailInterval, func() { close(tick) })
	select {
	case <-ctx.Done():
		timer.Stop()
		return nil, ctx.Err()
	case <-tick:
	}
	if t.s.cfg.Clock.Now().Sub(t.started) >= tailMaxSession {
		return nil, ErrTailTimeout
	}
	return t.poll(), nil
}

func (t *Tail) poll() *LiveTailSessionUpdate {
	type hit struct {
		key filterKey // ordered by ingestion time, then stream and sequence
		ev  LiveTailSessionLogEvent
	}
	var hits []hit
	t.s.mu.Lock()
	for _, name := range t.groups {
		g := t.s.groups[name]
		if g == nil {
			continue
		}
		for _, st := range g.streams {
			last, known := t.seen[st.id]
			if !known {
				last = 0 // a stream created during the session: all of it is new
			}
			t.seen[st.id] = st.nextSeq - 1
			if !t.wants(st.name) {
				continue
			}
			for _, e := range st.events {
				if e.seq > last && t.pat.match(e.msg) {
					hits = append(hits, hit{filterKey{e.ingest, st.id, e.seq}, LiveTailSessionLogEvent{LogStreamName: st.name,
						LogGroupIdentifier: t.s.groupARN(g.name), Message: e.msg, Timestamp: e.ts, IngestionTime: e.ingest}})
				}
			}
		}
	}
	t.s.mu.Unlock()
	slices.SortFunc(hits, func(a, b hit) int {
		switch {
		case a.key.less(b.key):
			return -1
		case b.key.less(a.key):
			return 1
		}
		return 0
	})
	up := &LiveTailSessionUpdate{SessionResults: make([]LiveTailSessionLogEvent, 0, len(hits))}
	if len(hits) > tailMaxEvents {
		up.SessionMetadata.Sampled = true
		hits = hits[len(hits)-tailMaxEvents:]
	}
	for _, h := range hits {
		up.SessionResults = append(up.SessionResults, h.ev)
	}
	return up
}

func (t *Tail) wants(stream string) bool {
	if len(t.in.LogStreamNames) > 0 {
		return slices.Contains(t.in.LogStreamNames, stream)
	}
	if len(t.in.LogStreamNamePrefixes) > 0 {
		return slices.ContainsFunc(t.in.LogStreamNamePrefixes, func(p string) bool { return strings.HasPrefix(stream, p) })
	}
	return true
}

// Start is the sessionStart event of the session.
func (t *Tail) Start(requestID, sessionID string) LiveTailSessionStart {
	ids := make([]string, len(t.groups))
	for i, g := range t.groups {
		ids[i] = t.s.groupARN(g)
	}
	return LiveTailSessionStart{RequestID: requestID, SessionID: sessionID, LogGroupIdentifiers: ids,
		LogStreamNames: t.in.LogStreamNames, LogStreamNamePrefixes: t.in.LogStreamNamePrefixes, LogEventFilterPattern: t.in.LogEventFilterPattern}
}
