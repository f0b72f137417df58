package cwlogs

import (
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// CreateLogStream creates an empty stream in a group.
func (s *Service) CreateLogStream(in *CreateLogStreamInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := checkStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if g.streams[in.LogStreamName] != nil {
		return nil, ecs.Errorf(CodeResourceAlreadyExists, msgStreamExists)
	}
	s.addStreamLocked(g, in.LogStreamName)
	return &Empty{}, s.saveMetaLocked()
}

func (s *Service) addStreamLocked(g *group, name string) *stream {
	st := &stream{id: s.nextStreamID, name: name, created: s.nowMillis(), nextSeq: 1}
	s.nextStreamID++
	g.streams[name] = st
	return st
}

// DeleteLogStream deletes a stream and its events.
func (s *Service) DeleteLogStream(in *DeleteLogStreamInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := checkStreamName(in.LogStreamName); err != nil {
		return nil, err
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
	delete(g.streams, st.name)
	if err := s.saveMetaLocked(); err != nil {
		return nil, err
	}
	return &Empty{}, s.removeEventsLocked(st)
}

// DescribeLogStreams lists a group's streams by name, or by last event time.
func (s *Service) DescribeLogStreams(in *DescribeLogStreamsInput) (*DescribeLogStreamsOutput, error) {
	limit, err := checkLimit(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	id, err := groupIdentifier(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := false
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		byTime = true
		if in.LogStreamNamePrefix != "" {
			return nil, ecs.InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, ecs.InvalidParameter("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	offset := 0
	if in.NextToken != "" {
		v, err := decodeNameToken(in.NextToken)
		if err != nil {
			return nil, err
		}
		if offset, err = atoi(v); err != nil || offset < 0 {
			return nil, ecs.InvalidParameter(msgBadToken)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(id)
	if err != nil {
		return nil, err
	}
	var list []*stream
	for name, st := range g.streams {
		if strings.HasPrefix(name, in.LogStreamNamePrefix) {
			list = append(list, st)
		}
	}
	slices.SortFunc(list, func(a, b *stream) int {
		if byTime {
			if c := compareInt(lastEventTime(a), lastEventTime(b)); c != 0 {
				return c
			}
		}
		return compareStrings(a.name, b.name)
	})
	if in.Descending {
		slices.Reverse(list)
	}
	out := &DescribeLogStreamsOutput{LogStreams: []LogStream{}}
	for i := offset; i < len(list); i++ {
		if i == offset+limit {
			out.NextToken = encodeNameToken(itoa(int64(i)))
			break
		}
		out.LogStreams = append(out.LogStreams, s.describeStream(g, list[i]))
	}
	return out, nil
}

func lastEventTime(st *stream) int64 {
	if n := len(st.events); n > 0 {
		return st.events[n-1].ts
	}
	return 0
}

func (s *Service) describeStream(g *group, st *stream) LogStream {
	ls := LogStream{LogStreamName: st.name, CreationTime: st.created,
		Arn: s.groupARN(g.name) + ":log-stream:" + st.name, StoredBytes: 0}
	if n := len(st.events); n > 0 {
		ls.FirstEventTimestamp = ecs.Ptr(st.events[0].ts)
		ls.LastEventTimestamp = ecs.Ptr(st.events[n-1].ts)
	}
	if st.lastIngestion > 0 {
		ls.LastIngestionTime = ecs.Ptr(st.lastIngestion)
		ls.UploadSequenceToken = sequenceToken(st)
	}
	return ls
}

// groupIdentifier is the group named by exactly one of a name or an identifier.
func groupIdentifier(name, id string) (string, error) {
	switch {
	case name != "" && id != "":
		return "", ecs.InvalidParameter("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
	case name != "":
		return name, checkGroupName("logGroupName", name)
	case id != "":
		return id, nil
	}
	return "", ecs.InvalidParameter("Either LogGroupName or LogGroupIdentifier must be specified.")
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
