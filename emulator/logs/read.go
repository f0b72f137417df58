package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrNotFound: no logs are kept for that task or container.
var ErrNotFound = errors.New("no logs")

// ErrAmbiguous: a bare task ID names tasks in several clusters.
var ErrAmbiguous = errors.New("ambiguous task ID")

// Task is a task the collector keeps logs of.
type Task struct {
	Cluster, ID string
	// Containers are the names of the containers with logs, sorted.
	Containers []string
}

// Line is one output line of a container.
type Line struct {
	Time      time.Time
	Container string
	Text      string
}

// ReadOptions select lines.
type ReadOptions struct {
	// Follow keeps returning lines as the container prints them, until it exits and its
	// output is written, ctx ends or the collector stops.
	Follow bool
	// Tail > 0 starts with the last Tail lines, Tail < 0 with none (only new lines when
	// following); 0 means all.
	Tail int
	// Since, when not zero, skips lines stamped before it.
	Since time.Time
}

// Lookup finds the task named by a task ARN or a bare task ID, or a unique prefix of one
// (matched among the task directories of every cluster) and lists its containers with logs. A task without logs
// is ErrNotFound; an ID found in several clusters is an error asking for the ARN.
func (c *Collector) Lookup(task string) (Task, error) {
	task = strings.TrimSpace(task)
	if cluster, id, ok := parseTaskARN(task); ok {
		return c.taskAt(cluster, id, task)
	}
	if !safeName(task) {
		return Task{}, fmt.Errorf("%w for task %q: not a task ID or task ARN", ErrNotFound, task)
	}
	clusters, err := os.ReadDir(c.dir)
	if err != nil && !os.IsNotExist(err) {
		return Task{}, err
	}
	var found []string
	for _, d := range clusters {
		if st, err := os.Stat(filepath.Join(c.dir, d.Name(), task)); err == nil && st.IsDir() {
			found = append(found, d.Name())
		}
	}
	switch len(found) {
	case 0:
		return c.taskByPrefix(clusters, task)
	case 1:
		return c.taskAt(found[0], task, task)
	}
	return Task{}, fmt.Errorf("%w: %q is in several clusters (%s); give the task ARN", ErrAmbiguous, task, strings.Join(found, ", "))
}

// taskByPrefix finds the one task whose ID starts with prefix (ecsmini ps shows IDs
// shortened, as docker ps does).
func (c *Collector) taskByPrefix(clusters []os.DirEntry, prefix string) (Task, error) {
	var found []string // cluster/id
	for _, d := range clusters {
		tasks, _ := os.ReadDir(filepath.Join(c.dir, d.Name()))
		for _, t := range tasks {
			if t.IsDir() && strings.HasPrefix(t.Name(), prefix) {
				found = append(found, d.Name()+"/"+t.Name())
			}
		}
	}
	switch len(found) {
	case 0:
		return Task{}, fmt.Errorf("%w for task %q: ecsmini keeps the output of task containers it saw start", ErrNotFound, prefix)
	case 1:
		cluster, id, _ := strings.Cut(found[0], "/")
		return c.taskAt(cluster, id, prefix)
	}
	return Task{}, fmt.Errorf("%w: %q starts several task IDs (%s); give more of it", ErrAmbiguous, prefix, strings.Join(found, ", "))
}

func (c *Collector) taskAt(cluster, id, asked string) (Task, error) {
	entries, err := os.ReadDir(filepath.Join(c.dir, cluster, id))
	if os.IsNotExist(err) {
		return Task{}, fmt.Errorf("%w for task %q: ecsmini keeps the output of task containers it saw start", ErrNotFound, asked)
	} else if err != nil {
		return Task{}, err
	}
	t := Task{Cluster: cluster, ID: id}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".log"); ok && !e.IsDir() {
			t.Containers = append(t.Containers, name)
		}
	}
	slices.Sort(t.Containers)
	return t, nil
}

// Stream is one container's lines, oldest first. It is not safe for concurrent use.
type Stream struct {
	c         *Collector
	ctx       context.Context
	f         *file
	container string
	opts      ReadOptions

	backlog []Line // lines present when the stream opened (after Tail and Since)
	fh      *os.File
	br      *bufio.Reader
	partial []byte // an unterminated line at the end of the file so far
	gen     int
	eof     bool
}

// Read opens the lines of one container of a task (ARN or ID, as Lookup takes). Close
// the stream when done.
func (c *Collector) Read(ctx context.Context, task, container string, opts ReadOptions) (*Stream, error) {
	t, err := c.Lookup(task)
	if err != nil {
		return nil, err
	}
	return c.open(ctx, t, container, opts)
}

// open starts a stream of a container of a looked-up task.
func (c *Collector) open(ctx context.Context, t Task, container string, opts ReadOptions) (*Stream, error) {
	if !slices.Contains(t.Containers, container) {
		return nil, fmt.Errorf("%w for container %q of task %s (containers with logs: %s)",
			ErrNotFound, container, t.ID, strings.Join(t.Containers, ", "))
	}
	path := filepath.Join(c.dir, t.Cluster, t.ID, container+".log")
	c.mu.Lock()
	f, err := c.fileLocked(path, false)
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	// Open the rotated and the current file together, so no rotation falls in between.
	f.mu.Lock()
	old, _ := os.Open(path + ".1")
	cur, err := os.Open(path)
	gen := f.gen
	f.mu.Unlock()
	if err != nil {
		if old != nil {
			old.Close()
		}
		return nil, err
	}
	s := &Stream{c: c, ctx: ctx, f: f, container: container, opts: opts, fh: cur, br: bufio.NewReader(cur), gen: gen}
	var lines []Line
	if old != nil {
		lines = s.readAll(bufio.NewReader(old), lines)
		old.Close()
	}
	lines = s.readAll(s.br, lines)
	switch {
	case opts.Tail < 0:
		lines = nil
	case opts.Tail > 0 && len(lines) > opts.Tail:
		lines = lines[len(lines)-opts.Tail:]
	}
	s.backlog = lines
	return s, nil
}

// readAll appends the complete lines of br that pass Since (and keeps an unterminated
// end in s.partial when br is the current file).
func (s *Stream) readAll(br *bufio.Reader, lines []Line) []Line {
	for {
		raw, err := br.ReadBytes('\n')
		if err != nil {
			if br == s.br {
				s.partial = raw
			}
			return lines
		}
		if l, ok := s.parse(raw[:len(raw)-1]); ok {
			lines = append(lines, l)
			if s.opts.Tail > 0 && len(lines) > 2*s.opts.Tail+1024 {
				lines = append(lines[:0], lines[len(lines)-s.opts.Tail:]...)
			}
		}
	}
}

// parse decodes a stored line; lines before Since or malformed ones are skipped.
func (s *Stream) parse(raw []byte) (Line, bool) {
	ts, text, ok := strings.Cut(string(raw), "\t")
	if !ok {
		return Line{}, false
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil || (!s.opts.Since.IsZero() && at.Before(s.opts.Since)) {
		return Line{}, false
	}
	return Line{Time: at, Container: s.container, Text: text}, true
}

// Next returns the next line. It returns io.EOF at the end: at once when not following,
// else once the container has exited and all its output is read, the stream's context
// ended or the collector's Run context ended.
func (s *Stream) Next() (Line, error) {
	if len(s.backlog) > 0 {
		l := s.backlog[0]
		s.backlog = s.backlog[1:]
		return l, nil
	}
	if s.eof || !s.opts.Follow {
		return Line{}, io.EOF
	}
	for {
		if l, ok := s.readMore(); ok {
			return l, nil
		}
		// At the end of the file: note the state, then look once more, so a write
		// between the two is seen (it closes the channel taken here).
		s.f.mu.Lock()
		changed, live, gen := s.f.changed, s.f.live, s.f.gen
		s.f.mu.Unlock()
		if l, ok := s.readMore(); ok {
			return l, nil
		}
		if gen != s.gen { // rotated: what we read is complete; go on with the new file
			if err := s.reopen(); err != nil {
				return Line{}, err
			}
			continue
		}
		if live == 0 {
			s.eof = true
			return Line{}, io.EOF
		}
		select {
		case <-changed:
		case <-s.ctx.Done():
			s.eof = true
			return Line{}, io.EOF
		case <-s.c.stopping:
			if l, ok := s.readMore(); ok {
				return l, nil
			}
			s.eof = true
			return Line{}, io.EOF
		}
	}
}

// readMore returns the next complete line of the current file, if there is one.
func (s *Stream) readMore() (Line, bool) {
	for {
		raw, err := s.br.ReadBytes('\n')
		s.partial = append(s.partial, raw...)
		if err != nil {
			return Line{}, false
		}
		line := s.partial[:len(s.partial)-1]
		s.partial = nil
		if l, ok := s.parse(line); ok {
			return l, true
		}
	}
}

// reopen switches to the file that replaced the rotated one.
func (s *Stream) reopen() error {
	s.f.mu.Lock()
	fh, err := os.Open(s.f.path)
	s.gen = s.f.gen
	s.f.mu.Unlock()
	if err != nil {
		return err
	}
	s.fh.Close()
	s.fh, s.partial = fh, nil
	s.br.Reset(fh)
	return nil
}

// Close releases the stream's file.
func (s *Stream) Close() error {
	s.eof = true
	return s.fh.Close()
}
