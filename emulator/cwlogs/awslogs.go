package cwlogs

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
)

// Labels the agent puts on containers whose log driver is awslogs (the agent's
// LabelAWSLogsGroup and LabelAWSLogsStream; a test keeps them equal). They travel with
// the container, so lines are routed the same after ecsmini restarts and adopts it.
// Without a stream label (no awslogs-stream-prefix) the stream is the container's
// runtime ID, as Docker's awslogs driver names it.
const (
	LabelGroup  = "ecsmini.awslogs-group"
	LabelStream = "ecsmini.awslogs-stream"
	// LabelMultiline is a regular expression that starts an event; lines that do not
	// match it join the event before them (awslogs-multiline-pattern, or
	// awslogs-datetime-format as the agent turns it into one).
	LabelMultiline = "ecsmini.awslogs-multiline-pattern"
)

// ErrGroupMissing is why a task whose awslogs group does not exist (and may not be
// created) fails to start, in the words Fargate uses after "ResourceInitializationError: ".
var ErrGroupMissing = errors.New("failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1")

// PrepareAWSLogs makes ready the destination of a container's awslogs output before it
// starts, as the awslogs driver does: the group must exist, or is created when
// createGroup (awslogs-create-group "true"); the stream, when named, is created if
// absent. A missing group is ErrGroupMissing.
func (s *Service) PrepareAWSLogs(groupName, streamName string, createGroup bool) error {
	if err := checkGroupName("awslogs-group", groupName); err != nil {
		return fmt.Errorf("failed to validate logger args: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[groupName]
	changed := false
	if g == nil {
		if !createGroup {
			return ErrGroupMissing
		}
		g = &group{name: groupName, created: s.nowMillis(), class: "STANDARD", streams: map[string]*stream{}}
		s.groups[groupName] = g
		changed = true
	}
	if streamName != "" && g.streams[streamName] == nil {
		s.addStreamLocked(g, streamName)
		changed = true
	}
	if !changed {
		return nil
	}
	return s.saveMetaLocked()
}

// Ingest stores lines a container printed, stamped with the service's clock now, in a
// group's stream (created if absent, as the driver creates it). A group deleted while
// the task runs loses the lines, as it does on AWS; that is an error to log.
func (s *Service) Ingest(group, stream string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(group)
	if err != nil {
		return fmt.Errorf("awslogs %s: %w", group, err)
	}
	st := g.streams[stream]
	if st == nil {
		st = s.addStreamLocked(g, stream)
		if err := s.saveMetaLocked(); err != nil {
			return err
		}
	}
	now := s.nowMillis()
	evs := make([]event, 0, len(lines))
	for _, l := range lines {
		if l == "" { // CloudWatch Logs has no empty events; the driver skips blank lines
			continue
		}
		evs = append(evs, event{ts: now, msg: l})
	}
	return s.ingestLocked(st, evs, now)
}

// Sink routes container output to CloudWatch Logs by the containers' awslogs labels;
// it is the logs collector's Sink.
type Sink struct {
	Service *Service
	// Log receives lines that could not be stored (nil discards).
	Log *slog.Logger
}

// Lines stores the lines of a container carrying LabelGroup; others are ignored.
func (k Sink) Lines(labels map[string]string, containerID string, lines []string) {
	group := labels[LabelGroup]
	if group == "" {
		return
	}
	stream := labels[LabelStream]
	if stream == "" {
		stream = containerID
	}
	if p := labels[LabelMultiline]; p != "" {
		re, err := multilineRE(p)
		if err != nil {
			if k.Log != nil {
				k.Log.Error("awslogs: bad multiline pattern; lines kept one by one", "pattern", p, "err", err)
			}
		} else {
			lines = joinMultiline(re, lines)
		}
	}
	if err := k.Service.Ingest(group, stream, lines); err != nil && k.Log != nil {
		k.Log.Error("awslogs: lines lost", "group", group, "stream", stream, "err", err)
	}
}

// multilinePatterns caches compiled multiline patterns (a few per task definition).
var multilinePatterns sync.Map // pattern → *regexp.Regexp

func multilineRE(p string) (*regexp.Regexp, error) {
	if re, ok := multilinePatterns.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	multilinePatterns.Store(p, re)
	return re, nil
}

// joinMultiline groups lines into events: a line matching start begins one, any other
// line joins the event before it. The collector hands over what a container printed in
// one burst, so a stack trace printed at once stays one event (Docker's driver also
// flushes a pending event after a few seconds).
func joinMultiline(start *regexp.Regexp, lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(out) == 0 || start.MatchString(l) {
			out = append(out, l)
			continue
		}
		out[len(out)-1] += "\n" + l
	}
	return out
}
