package store

import (
	"fmt"
	"os"
	"slices"
)

// Compaction never holds the store lock while it writes: under the lock it only starts
// a new journal segment and freezes a copy-on-write view of every table (cost
// proportional to the number of chunks, not rows); a goroutine then writes the view as
// the snapshot of the new generation and only after that removes the old segment. A
// crash at any point leaves either the old snapshot with the old and new segments, or
// the new snapshot (with the new segment): load replays whichever chain it finds.

// crashPoint, when set (by the crash tests only), is called at each step of a
// compaction, so a test can kill the process exactly there.
var crashPoint func(step string)

func reached(step string) {
	if crashPoint != nil {
		crashPoint(step)
	}
}

type compactJob struct {
	done chan struct{}
	err  error
}

// startCompactLocked rotates the journal and starts writing a snapshot in the
// background. auto marks a compaction the store started itself: its failure goes to
// OnError.
func (s *Store) startCompactLocked(auto bool) (*compactJob, error) {
	d := s.disk
	old := d.seg
	gen := old.hdr.Gen + 1
	seg, err := createSegment(d.dir, gen, s.seq, d.sync)
	if err != nil {
		d.compactAt = max(d.minCompact, 2*d.compactAt) // do not retry on every commit
		return nil, err
	}
	reached("segment-created")
	if err := old.markNext(gen); err != nil {
		seg.close()
		_ = os.Remove(seg.f.Name()) // best effort: an empty segment after old loads fine
		d.compactAt = max(d.minCompact, 2*d.compactAt)
		return nil, err
	}
	d.seg = seg
	// The old segment is complete: failing to close it loses nothing, but it
	// is reported with the compaction.
	closeErr := old.close()
	job := &compactJob{done: make(chan struct{})}
	d.job = job
	views := freezeAll(s.tables)
	seq := s.seq
	go func() {
		size, err := writeSnapshot(d.dir, gen, seq, views)
		if err == nil {
			reached("snapshot-renamed")
			err = removeSegmentsBefore(d.dir, gen)
		}
		if err == nil && closeErr != nil {
			err = fmt.Errorf("journal: %w", closeErr)
		}
		s.mu.Lock()
		if err == nil {
			d.compactAt = max(d.minCompact, size)
		} else {
			d.compactAt = max(d.minCompact, 2*d.compactAt)
		}
		d.job = nil
		s.mu.Unlock()
		job.err = err
		close(job.done)
		if err != nil && auto && s.OnError != nil {
			s.OnError(fmt.Errorf("snapshot: %w", err))
		}
	}()
	return job, nil
}

// Compact writes a snapshot of the whole state and starts an empty journal. Only the
// rotation holds the store lock; the caller waits for the snapshot to be written.
func (s *Store) Compact() error {
	s.mu.Lock()
	s.waitCompactionLocked()
	if s.disk == nil {
		s.mu.Unlock()
		return nil
	}
	job, err := s.startCompactLocked(false)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	<-job.done
	return job.err
}

// waitCompactionLocked waits, with the lock released meanwhile, until no compaction is
// running.
func (s *Store) waitCompactionLocked() {
	for s.disk != nil && s.disk.job != nil {
		j := s.disk.job
		s.mu.Unlock()
		<-j.done
		s.mu.Lock()
	}
}

// freezeAll takes a consistent view of every table, in name order.
func freezeAll(tables map[string]table) []namedView {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	slices.Sort(names)
	views := make([]namedView, len(names))
	for i, n := range names {
		views[i] = namedView{name: n, view: tables[n].freeze()}
	}
	return views
}
