package store

import (
	"errors"
	"fmt"

	"sync"
)

// Format is the on-disk format version this build writes and reads. Format 2 (unframed
// JSON lines, no checksums) is still read, and migrated on open. Format 1 was a
// development format (a single state.json document) that no release wrote.
const Format = 3

// ErrNewerFormat marks state written by a newer (or unknown) ecsmini format.
var ErrNewerFormat = errors.New("state was written in a format this ecsmini does not know")

// Store is the versioned state: registered tables plus, when opened on a directory, the
// journal and snapshot that make it durable.
type Store struct {
	mu     sync.RWMutex
	tables map[string]table
	seq    uint64

	disk      *disk    // nil for a memory-only store
	recovered []string // what a recovering Open dropped
	fault     error    // set by FailCommits

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
		if err := s.disk.seg.appendTx(s.seq+1, tx.ops); err != nil {
			tx.rollback()
			return nil, fmt.Errorf("commit: %w", err)
		}
	}
	s.seq++
	if d := s.disk; d != nil && d.seg.off > d.compactAt && d.job == nil {
		// The transaction is already durable in the journal; a failed compaction only
		// means the journal keeps growing until the next attempt.
		if _, err := s.startCompactLocked(true); err != nil && s.OnError != nil {
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

// Options tune how Open treats the state directory.
type Options struct {
	// Recover opens damaged state instead of refusing it: what is intact is kept, the
	// rest dropped (see Recovered), and the state files are rewritten whole.
	Recover bool
	// NoSync skips the fsync after each journal write: a commit is acknowledged once the
	// operating system has it, which survives a killed ecsmini but not a power loss.
	NoSync bool
}

// Open loads the state in dir (creating dir if needed) and journals every later commit
// there, synced to disk. See OpenWith.
func (s *Store) Open(dir string) error { return s.OpenWith(dir, Options{}) }

// OpenWith loads the state in dir (creating dir if needed) and journals every later
// commit there. It fails if another process holds dir, if the state is in a newer
// format (ErrNewerFormat), or if it is damaged (a *DamageError, ErrDamaged) and
// o.Recover is not set. State in the previous format is migrated.
func (s *Store) OpenWith(dir string, o Options) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := openDisk(dir, !o.NoSync)
	if err != nil {
		return err
	}
	seq, lost, err := d.load(s.tables, o.Recover)
	if err != nil {
		d.close()
		return err
	}
	s.seq = seq
	s.disk = d
	s.recovered = lost
	return nil
}

// Recovered lists what a recovering Open found damaged and dropped (nil if nothing).
func (s *Store) Recovered() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.recovered
}

// Abandon releases the directory without writing a snapshot, as a crash would; state
// since the last snapshot stays in the journal. Benchmarks and crash tests use it.
func (s *Store) Abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waitCompactionLocked()
	if s.disk != nil {
		_ = s.disk.close() // nothing to report: the journal is already written
		s.disk = nil
	}
}

// Close compacts the state and releases the directory.
func (s *Store) Close() error {
	err := s.Compact()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waitCompactionLocked()
	if s.disk == nil {
		return err
	}
	if cerr := s.disk.close(); err == nil {
		err = cerr
	}
	s.disk = nil
	return err
}
