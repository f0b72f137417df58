package cwlogs

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// DefaultMaxStreamBytes caps what one stream keeps; see the package doc.
const DefaultMaxStreamBytes = 8 << 20

// eventOverhead is what CloudWatch Logs counts per event on top of its message's UTF-8
// bytes, for batch sizes and stored bytes.
const eventOverhead = 26

// Exception names of the Logs API that ECS's error codes do not already name.
const (
	CodeResourceAlreadyExists = "ResourceAlreadyExistsException"
	CodeInvalidOperation      = "InvalidOperationException"
)

// Messages the Logs API gives, verbatim.
const (
	msgGroupNotFound  = "The specified log group does not exist."
	msgStreamNotFound = "The specified log stream does not exist."
	msgGroupExists    = "The specified log group already exists"
	msgStreamExists   = "The specified log stream already exists"
	msgBadToken       = "The specified nextToken is invalid."
)

var (
	groupNameRE  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	streamNameRE = regexp.MustCompile(`^[^:*]*$`)
)

// Config configures a Service.
type Config struct {
	// Dir keeps the service's state; "" keeps it in memory only.
	Dir             string
	Clock           clock.Clock
	Region, Account string
	// MaxStreamBytes caps each stream (DefaultMaxStreamBytes when <= 0).
	MaxStreamBytes int64
}

// Service holds log groups, their streams and events. Its methods are safe for
// concurrent use; every one reads the time from the configured clock.
type Service struct {
	cfg Config

	mu           sync.Mutex
	groups       map[string]*group
	nextStreamID int64
}

type group struct {
	name      string
	created   int64 // ms since the epoch
	retention int   // days; 0: never expire
	class     string
	kms       string
	tags      map[string]string
	streams   map[string]*stream
}

type stream struct {
	id            int64 // unique in the service: names its file and event IDs
	name          string
	created       int64
	events        []event // ordered by (ts, seq)
	bytes         int64   // sum of event sizes as CloudWatch counts them
	nextSeq       int64
	lastIngestion int64
	diskBytes     int64 // size of the stream's file
	// compactedBytes is the file's size after it was last rewritten (or loaded).
	compactedBytes int64
}

type event struct {
	ts, ingest, seq int64
	msg             string
}

func (e event) size() int64 { return int64(len(e.msg)) + eventOverhead }

// Open loads the service's state from cfg.Dir (creating it) or starts empty.
func Open(cfg Config) (*Service, error) {
	if cfg.Clock == nil {
		return nil, fmt.Errorf("cwlogs: a clock is required")
	}
	if cfg.MaxStreamBytes <= 0 {
		cfg.MaxStreamBytes = DefaultMaxStreamBytes
	}
	s := &Service{cfg: cfg, groups: map[string]*group{}, nextStreamID: 1}
	if cfg.Dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("cwlogs: %w", err)
	}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("cwlogs: loading %s: %w", cfg.Dir, err)
	}
	return s, nil
}

func (s *Service) nowMillis() int64 { return s.cfg.Clock.Now().UnixMilli() }

func (s *Service) groupARN(name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.cfg.Region, s.cfg.Account, name)
}

// groupLocked returns a group by name or ARN, after applying its retention; s.mu is
// held.
func (s *Service) groupLocked(nameOrARN string) (*group, error) {
	g := s.groups[groupName(nameOrARN)]
	if g == nil {
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgGroupNotFound)
	}
	if err := s.expireLocked(g); err != nil {
		return nil, err
	}
	return g, nil
}

// groupName takes the name out of a log group ARN (with or without its ":*" suffix).
func groupName(id string) string {
	if rest, ok := cutARN(id); ok {
		return rest
	}
	return id
}

func cutARN(id string) (string, bool) {
	if !strings.HasPrefix(id, "arn:") {
		return "", false
	}
	_, name, ok := strings.Cut(id, ":log-group:")
	return strings.TrimSuffix(name, ":*"), ok
}

// checkName validates a member against the API model's length and pattern, with the
// validation message AWS's front end gives.
func checkName(member, v string, re *regexp.Regexp, pattern string) error {
	switch {
	case v == "":
		return ecs.InvalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	case len(v) > 512:
		return ecs.InvalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 512", v, member)
	case !re.MatchString(v):
		return ecs.InvalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, member, pattern)
	}
	return nil
}

func checkGroupName(member, v string) error {
	return checkName(member, v, groupNameRE, `[\.\-_/#A-Za-z0-9]+`)
}

func checkStreamName(v string) error {
	return checkName("logStreamName", v, streamNameRE, `[^:*]*`)
}

// checkLimit validates an optional limit against [1, max] and returns it or def.
func checkLimit(limit *int, max, def int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if *limit < 1 {
		return 0, ecs.InvalidParameter("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *limit)
	}
	if *limit > max {
		return 0, ecs.InvalidParameter("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *limit, max)
	}
	return *limit, nil
}

// expireLocked drops a group's events older than its retention, on the service's clock.
func (s *Service) expireLocked(g *group) error {
	if g.retention <= 0 {
		return nil
	}
	cutoff := s.cfg.Clock.Now().Add(-time.Duration(g.retention) * 24 * time.Hour).UnixMilli()
	for _, st := range g.streams {
		n := 0
		for n < len(st.events) && st.events[n].ts < cutoff {
			n++
		}
		if err := s.dropLocked(st, n); err != nil {
			return err
		}
	}
	return nil
}

// dropLocked removes a stream's n oldest events. The file keeps them until it is
// compacted (see the package doc); they are never served again.
func (s *Service) dropLocked(st *stream, n int) error {
	if n == 0 {
		return nil
	}
	for _, e := range st.events[:n] {
		st.bytes -= e.size()
	}
	st.events = append(st.events[:0:0], st.events[n:]...)
	return s.compactLocked(st)
}
