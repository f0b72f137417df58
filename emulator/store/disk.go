package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

const (
	snapshotFile = "state.json"
	journalFile  = "journal.jsonl"
	lockFile     = "lock"
	// defaultCompactAt is the journal size after which a commit triggers a snapshot.
	defaultCompactAt = 32 << 20
)

type disk struct {
	dir          string
	lock         *os.File
	journal      *os.File
	journalBytes int64
	compactAt    int64
}

type snapshotDoc struct {
	Format int                                   `json:"format"`
	Seq    uint64                                `json:"seq"`
	Tables map[string]map[string]json.RawMessage `json:"tables"`
}

type journalHeader struct {
	Format int `json:"format"`
}

type journalEntry struct {
	Seq uint64      `json:"seq"`
	Ops []journalOp `json:"ops"`
}

type journalOp struct {
	Table string          `json:"t"`
	Key   string          `json:"k"`
	Value json.RawMessage `json:"v,omitempty"`
	Del   bool            `json:"d,omitempty"`
}

func openDisk(dir string) (*disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("state directory %s is in use by another ecsmini (stop it first, or use --state-dir): %w", dir, err)
	}
	return &disk{dir: dir, lock: lock, compactAt: defaultCompactAt}, nil
}

// load reads the snapshot and replays the journal into tables, then opens the journal
// for appending. A torn last journal line (ecsmini killed mid-write, before the caller
// was answered) is cut off; damage anywhere else is an error.
func (d *disk) load(tables map[string]table) (uint64, error) {
	seq, err := d.loadSnapshot(tables)
	if err != nil {
		return 0, err
	}
	path := filepath.Join(d.dir, journalFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	good, last, err := replay(f, seq, tables)
	if err != nil {
		f.Close()
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if good == 0 {
		if err := f.Truncate(0); err != nil {
			f.Close()
			return 0, fmt.Errorf("journal: %w", err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return 0, fmt.Errorf("journal: %w", err)
		}
		if err := writeHeader(f); err != nil {
			f.Close()
			return 0, err
		}
		good, _ = f.Seek(0, io.SeekCurrent)
	} else if err := f.Truncate(good); err != nil {
		f.Close()
		return 0, fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return 0, fmt.Errorf("journal: %w", err)
	}
	d.journal = f
	d.journalBytes = good
	return last, nil
}

func (d *disk) loadSnapshot(tables map[string]table) (uint64, error) {
	path := filepath.Join(d.dir, snapshotFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	var doc snapshotDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return 0, fmt.Errorf("%s is damaged: %w", path, err)
	}
	if doc.Format != Format {
		return 0, fmt.Errorf("%s has format %d, this ecsmini reads format %d: %w", path, doc.Format, Format, ErrNewerFormat)
	}
	for name, rows := range doc.Tables {
		t, ok := tables[name]
		if !ok {
			return 0, fmt.Errorf("%s has unknown table %q: %w", path, name, ErrNewerFormat)
		}
		for k, raw := range rows {
			if err := t.restore(k, raw); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return doc.Seq, nil
}

// replay applies the journal entries newer than seq. It returns the offset just past the
// last complete line and the sequence number reached.
func replay(f *os.File, seq uint64, tables map[string]table) (int64, uint64, error) {
	r := bufio.NewReaderSize(f, 1<<20)
	var off int64
	first := true
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// A line without its newline was never acknowledged: drop it.
			return off, seq, nil
		}
		if err != nil {
			return 0, 0, err
		}
		if first {
			first = false
			var h journalHeader
			if err := json.Unmarshal(line, &h); err != nil {
				return 0, 0, fmt.Errorf("bad header: %w", err)
			}
			if h.Format != Format {
				return 0, 0, fmt.Errorf("format %d, this ecsmini reads format %d: %w", h.Format, Format, ErrNewerFormat)
			}
			off += int64(len(line))
			continue
		}
		var e journalEntry
		if err := json.Unmarshal(bytes.TrimSpace(line), &e); err != nil {
			return 0, 0, fmt.Errorf("damaged entry at byte %d: %w", off, err)
		}
		off += int64(len(line))
		if e.Seq <= seq {
			continue // already in the snapshot
		}
		for _, o := range e.Ops {
			t, ok := tables[o.Table]
			if !ok {
				return 0, 0, fmt.Errorf("unknown table %q: %w", o.Table, ErrNewerFormat)
			}
			if o.Del {
				t.deleteKey(o.Key)
				continue
			}
			if err := t.restore(o.Key, o.Value); err != nil {
				return 0, 0, err
			}
		}
		seq = e.Seq
	}
}

func writeHeader(f *os.File) error {
	b, _ := json.Marshal(journalHeader{Format: Format})
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// append writes one transaction as a single line with a single write, so a kill leaves
// either the whole line or a torn tail that load discards.
func (d *disk) append(seq uint64, ops []op) error {
	e := journalEntry{Seq: seq, Ops: make([]journalOp, len(ops))}
	for i, o := range ops {
		e.Ops[i] = journalOp{Table: o.t.tableName(), Key: o.key, Del: o.del}
		if !o.del {
			b, err := json.Marshal(o.val)
			if err != nil {
				return fmt.Errorf("encode %s %q: %w", o.t.tableName(), o.key, err)
			}
			e.Ops[i].Value = b
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode journal entry: %w", err)
	}
	b = append(b, '\n')
	n, err := d.journal.Write(b)
	d.journalBytes += int64(n)
	if err != nil {
		return fmt.Errorf("journal write: %w", err)
	}
	return nil
}

// snapshot atomically replaces state.json, then starts a fresh journal. A crash between
// the two leaves a journal whose entries are all older than the snapshot: load skips them.
func (d *disk) snapshot(seq uint64, tables map[string]map[string]json.RawMessage) error {
	b, err := json.Marshal(snapshotDoc{Format: Format, Seq: seq, Tables: tables})
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(d.dir, snapshotFile), b); err != nil {
		return err
	}
	if err := d.journal.Truncate(0); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := d.journal.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := writeHeader(d.journal); err != nil {
		return err
	}
	d.journalBytes, _ = d.journal.Seek(0, io.SeekCurrent)
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*.tmp")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync() // best effort: not every filesystem supports syncing a directory
		dir.Close()
	}
	return nil
}

func (d *disk) close() error {
	var err error
	if d.journal != nil {
		err = d.journal.Close()
	}
	_ = syscall.Flock(int(d.lock.Fd()), syscall.LOCK_UN)
	if cerr := d.lock.Close(); err == nil {
		err = cerr
	}
	return err
}
