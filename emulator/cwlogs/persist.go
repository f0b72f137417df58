package cwlogs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// The state directory holds meta.json (groups and streams, rewritten whole on every
// change to them) and events/<stream id>.jsonl (a stream's events, appended to).

const metaFile = "meta.json"

type metaState struct {
	NextStreamID int64       `json:"nextStreamId"`
	Groups       []metaGroup `json:"groups"`
}

type metaGroup struct {
	Name      string            `json:"name"`
	Created   int64             `json:"created"`
	Retention int               `json:"retentionInDays,omitempty"`
	Class     string            `json:"class,omitempty"`
	KMS       string            `json:"kmsKeyId,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	Streams   []metaStream      `json:"streams"`
}

type metaStream struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Created int64  `json:"created"`
}

// diskEvent is one line of a stream's file.
type diskEvent struct {
	TS     int64  `json:"t"`
	Ingest int64  `json:"i"`
	Seq    int64  `json:"s"`
	Msg    string `json:"m"`
}

func (s *Service) eventsPath(id int64) string {
	return filepath.Join(s.cfg.Dir, "events", strconv.FormatInt(id, 10)+".jsonl")
}

// load reads meta.json and every stream's events, then applies retention and caps.
func (s *Service) load() error {
	b, err := os.ReadFile(filepath.Join(s.cfg.Dir, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	var m metaState
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", metaFile, err)
	}
	s.nextStreamID = max(m.NextStreamID, 1)
	for _, mg := range m.Groups {
		g := &group{name: mg.Name, created: mg.Created, retention: mg.Retention, class: mg.Class, kms: mg.KMS, tags: mg.Tags, streams: map[string]*stream{}}
		for _, ms := range mg.Streams {
			st := &stream{id: ms.ID, name: ms.Name, created: ms.Created, nextSeq: 1}
			if err := s.readEvents(st); err != nil {
				return err
			}
			if err := s.capLocked(st); err != nil {
				return err
			}
			g.streams[st.name] = st
		}
		if err := s.expireLocked(g); err != nil {
			return err
		}
		s.groups[g.name] = g
	}
	return nil
}

// readEvents loads a stream's file; a torn last line (a crash mid-write) is skipped.
func (s *Service) readEvents(st *stream) error {
	f, err := os.Open(s.eventsPath(st.id))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		st.diskBytes += int64(len(sc.Bytes())) + 1
		var d diskEvent
		if json.Unmarshal(sc.Bytes(), &d) != nil {
			continue
		}
		e := event{ts: d.TS, ingest: d.Ingest, seq: d.Seq, msg: d.Msg}
		st.events = append(st.events, e)
		st.bytes += e.size()
		st.nextSeq = max(st.nextSeq, e.seq+1)
		st.lastIngestion = max(st.lastIngestion, e.ingest)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", f.Name(), err)
	}
	slices.SortStableFunc(st.events, compareEvents)
	st.compactedBytes = st.diskBytes
	return nil
}

func compareEvents(a, b event) int {
	if a.ts != b.ts {
		if a.ts < b.ts {
			return -1
		}
		return 1
	}
	switch {
	case a.seq < b.seq:
		return -1
	case a.seq > b.seq:
		return 1
	}
	return 0
}

// saveMetaLocked rewrites meta.json (write and rename, so a crash leaves the old one).
func (s *Service) saveMetaLocked() error {
	if s.cfg.Dir == "" {
		return nil
	}
	m := metaState{NextStreamID: s.nextStreamID}
	for _, g := range s.groups {
		mg := metaGroup{Name: g.name, Created: g.created, Retention: g.retention, Class: g.class, KMS: g.kms, Tags: g.tags, Streams: []metaStream{}}
		for _, st := range g.streams {
			mg.Streams = append(mg.Streams, metaStream{ID: st.id, Name: st.name, Created: st.created})
		}
		slices.SortFunc(mg.Streams, func(a, b metaStream) int { return int(a.ID - b.ID) })
		m.Groups = append(m.Groups, mg)
	}
	slices.SortFunc(m.Groups, func(a, b metaGroup) int { return compareStrings(a.Name, b.Name) })
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(s.cfg.Dir, metaFile), b)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// appendLocked writes events to the end of a stream's file.
func (s *Service) appendLocked(st *stream, evs []event) error {
	if s.cfg.Dir == "" || len(evs) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(s.cfg.Dir, "events"), 0o700); err != nil {
		return err
	}
	n, err := writeEvents(s.eventsPath(st.id), evs, os.O_APPEND)
	st.diskBytes += n
	return err
}

// writeEvents writes events as JSON lines to path, opened with flag (O_APPEND or
// O_TRUNC), and returns the bytes written.
func writeEvents(path string, evs []event, flag int) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|flag, 0o600)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	var n int64
	for _, e := range evs {
		line, err := json.Marshal(diskEvent{TS: e.ts, Ingest: e.ingest, Seq: e.seq, Msg: e.msg})
		if err != nil {
			f.Close()
			return n, err
		}
		w.Write(line)
		w.WriteByte('\n')
		n += int64(len(line)) + 1
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// compactLocked rewrites a stream's file from memory once the file has grown to twice
// the stream cap, or to twice its size after the last rewrite when JSON escaping makes
// the kept events bigger on disk than the cap (so a file stays within about twice what
// it holds). The new file is written beside the old one and renamed over it.
func (s *Service) compactLocked(st *stream) error {
	if s.cfg.Dir == "" || st.diskBytes <= 2*max(s.cfg.MaxStreamBytes, st.compactedBytes) {
		return nil
	}
	path := s.eventsPath(st.id)
	n, err := writeEvents(path+".tmp", st.events, os.O_TRUNC)
	if err != nil {
		return err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return err
	}
	st.diskBytes, st.compactedBytes = n, n
	return nil
}

// removeEventsLocked deletes a stream's file.
func (s *Service) removeEventsLocked(st *stream) error {
	if s.cfg.Dir == "" {
		return nil
	}
	if err := os.Remove(s.eventsPath(st.id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// capLocked drops a stream's oldest events until it holds at most MaxStreamBytes.
func (s *Service) capLocked(st *stream) error {
	n := 0
	over := st.bytes - s.cfg.MaxStreamBytes
	for over > 0 && n < len(st.events) {
		over -= st.events[n].size()
		n++
	}
	return s.dropLocked(st, n)
}
