package store

import (
	"errors"
	"fmt"

	"sync"
)

// Format is the on-disk format version this build writes and reads. Format 1 was a
// development format (a single state.json document) that no release wrote.
const Format = 2

// ErrNewerFormat marks state written by a newer (or unknown) ecsmini format.
var ErrNewerFormat = errors.New("state was written in a format this ecsmini does not know")

// Store is the versioned state: registered tables plus, when opened on a directory, the
// journal and snapshot that make it durable.
type Store struct {
	mu     sync.RWMutex
	tables map[string]table
	seq    uint64

	disk  *disk // nil for a memory-only store
	fault error // set by FailCommits

	// OnError, when set, hears about background faults that do not fail a commit
	// (a snapshot that could not be written after the journal grew large).
	OnError func(error)
}

// New returns an empty store. Register tables with NewTable, then call Open to load and
// persist state in a directory (or use the store in memory only, as tests do).
func New() *Store { return &Store{tables: make(map[string]table)} }

// Seq is the sequence number of the last committed transaction.
func (s *Store) Seq() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seq
}

// View runs fn with the state locked for reading.
func (s *Store) View(fn func()) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn()
}

// Update runs fn with the state locked for writing. The changes fn stages in tx are
// applied as fn makes them (so fn reads its own writes); if fn returns an error, or the
// journal cannot be written, every change is undone and the error returned: a
// transaction is committed whole or not at all.
//
// Side effects that must not happen unless the transaction commits (listeners, indexes
// outside the store, launches, published events) are registered with Tx.AfterCommit:
// they run after the commit, in registration order, without the store lock held, so
// they may read the store or start another Update.
func (s *Store) Update(fn func(tx *Tx) error) error {
	tx, err := s.commit(fn)
	if err != nil {
		return err
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// commit runs fn under the write lock and journals its changes; on any failure nothing
// of fn's changes (nor its AfterCommit functions) survives.
func (s *Store) commit(fn func(tx *Tx) error) (*Tx, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &Tx{}
	if err := fn(tx); err != nil {
		tx.rollback()
		return nil, err
	}
	if len(tx.ops) == 0 {
		return tx, nil
	}
	if s.fault != nil {
		tx.rollback()
		return nil, fmt.Errorf("commit: %w", s.fault)
	}
	if s.disk != nil {
		if err := s.disk.append(s.seq+1, tx.ops); err != nil {
			tx.rollback()
			return nil, fmt.Errorf("commit: %w", err)
		}
	}
	s.seq++
	if s.disk != nil && s.disk.journalBytes > s.disk.compactAt {
		// The transaction is already durable in the journal; a failed compaction only
		// means the journal keeps growing until the next attempt.
		if err := s.compactLocked(); err != nil && s.OnError != nil {
			s.OnError(fmt.Errorf("snapshot: %w", err))
		}
	}
	return tx, nil
}

// Tx collects the changes of one Update.
type Tx struct {
	ops   []op
	after []func()
}

// AfterCommit registers f to run once the transaction has committed (and been
// journalled), outside the store lock. If the transaction fails, f never runs.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

type op struct {
	t       table
	key     string
	val     any // nil for a delete
	del     bool
	old     any
	existed bool
}

func (tx *Tx) record(t table, key string, v any, del bool) {
	o := op{t: t, key: key, val: v, del: del}
	if del {
		o.old, o.existed = t.deleteKey(key)
	} else {
		o.old, o.existed = t.putAny(key, v)
	}
	tx.ops = append(tx.ops, o)
}

func (tx *Tx) rollback() {
	for i := len(tx.ops) - 1; i >= 0; i-- {
		o := tx.ops[i]
		if o.existed {
			o.t.putAny(o.key, o.old)
		} else {
			o.t.deleteKey(o.key)
		}
	}
	tx.ops = nil
	tx.after = nil
}

// Open loads the state in dir (creating dir if needed) and journals every later commit
// there. It fails if another process holds dir, or if the state is in a newer format.
func (s *Store) Open(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := openDisk(dir)
	if err != nil {
		return err
	}
	seq, err := d.load(s.tables)
	if err != nil {
		d.close()
		return err
	}
	s.seq = seq
	s.disk = d
	return nil
}

// Compact writes a snapshot of the whole state and empties the journal.
func (s *Store) Compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disk == nil {
		return nil
	}
	return s.compactLocked()
}

func (s *Store) compactLocked() error { return s.disk.snapshot(s.seq, s.tables) }

// Abandon releases the directory without writing a snapshot, as a crash would; state
// since the last snapshot stays in the journal. Benchmarks and crash tests use it.
func (s *Store) Abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disk != nil {
		_ = s.disk.close() // nothing to report: the journal is already written
		s.disk = nil
	}
}

// Close compacts the state and releases the directory.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disk == nil {
		return nil
	}
	err := s.compactLocked()
	if cerr := s.disk.close(); err == nil {
		err = cerr
	}
	s.disk = nil
	return err
}
