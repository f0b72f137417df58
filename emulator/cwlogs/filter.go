package cwlogs

import (
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// filterKey orders events across a group's streams: by timestamp, then stream, then
// sequence. A FilterLogEvents token is the key of the last event returned.
type filterKey struct{ ts, stream, seq int64 }

func (a filterKey) less(b filterKey) bool {
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	if a.stream != b.stream {
		return a.stream < b.stream
	}
	return a.seq < b.seq
}

func encodeFilterToken(k filterKey) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "k/%d/%d/%d", k.ts, k.stream, k.seq))
}

func decodeFilterToken(tok string) (filterKey, error) {
	var k filterKey
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return k, ecs.InvalidParameter(msgBadToken)
	}
	if _, err := fmt.Sscanf(string(b), "k/%d/%d/%d", &k.ts, &k.stream, &k.seq); err != nil {
		return k, ecs.InvalidParameter(msgBadToken)
	}
	return k, nil
}

// FilterLogEvents returns a group's events that match a filter pattern, across its
// streams (all, those named, or those with a name prefix), in timestamp order, a page
// at a time: nextToken is absent once everything was returned.
func (s *Service) FilterLogEvents(in *FilterLogEventsInput) (*FilterLogEventsOutput, error) {
	limit, err := checkLimit(in.Limit, maxBatchEvents, maxBatchEvents)
	if err != nil {
		return nil, err
	}
	id, err := groupIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, ecs.InvalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	if len(in.LogStreamNames) > 100 {
		return nil, ecs.InvalidParameter("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	if len(in.FilterPattern) > 1024 {
		return nil, ecs.InvalidParameter("1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024")
	}
	pat, err := compilePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	var after *filterKey
	if in.NextToken != "" {
		k, err := decodeFilterToken(in.NextToken)
		if err != nil {
			return nil, err
		}
		after = &k
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(id)
	if err != nil {
		return nil, err
	}
	var streams []*stream
	if len(in.LogStreamNames) > 0 {
		for _, name := range in.LogStreamNames {
			st := g.streams[name]
			if st == nil {
				return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgStreamNotFound)
			}
			streams = append(streams, st)
		}
	} else {
		for name, st := range g.streams {
			if len(name) >= len(in.LogStreamNamePrefix) && name[:len(in.LogStreamNamePrefix)] == in.LogStreamNamePrefix {
				streams = append(streams, st)
			}
		}
	}
	slices.SortFunc(streams, func(a, b *stream) int { return compareInt(a.id, b.id) })

	type hit struct {
		st *stream
		e  event
	}
	var hits []hit
	for _, st := range streams {
		for _, e := range st.events {
			k := filterKey{e.ts, st.id, e.seq}
			if (after != nil && !after.less(k)) ||
				(in.StartTime != nil && e.ts < *in.StartTime) || (in.EndTime != nil && e.ts > *in.EndTime) ||
				!pat.match(e.msg) {
				continue
			}
			hits = append(hits, hit{st, e})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		ka, kb := filterKey{a.e.ts, a.st.id, a.e.seq}, filterKey{b.e.ts, b.st.id, b.e.seq}
		switch {
		case ka.less(kb):
			return -1
		case kb.less(ka):
			return 1
		}
		return 0
	})
	out := &FilterLogEventsOutput{Events: []FilteredLogEvent{}, SearchedLogStreams: []SearchedLogStream{}}
	var bytes int64
	for i, h := range hits {
		if i == limit || bytes+h.e.size() > maxGetBytes {
			last := hits[i-1]
			out.NextToken = encodeFilterToken(filterKey{last.e.ts, last.st.id, last.e.seq})
			break
		}
		bytes += h.e.size()
		out.Events = append(out.Events, FilteredLogEvent{LogStreamName: h.st.name, Timestamp: h.e.ts,
			Message: h.e.msg, IngestionTime: h.e.ingest, EventID: fmt.Sprintf("%020d%018d%018d", h.e.ts, h.st.id, h.e.seq)})
	}
	for _, st := range streams {
		out.SearchedLogStreams = append(out.SearchedLogStreams, SearchedLogStream{LogStreamName: st.name, SearchedCompletely: out.NextToken == ""})
	}
	return out, nil
}
