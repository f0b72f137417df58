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
	"slices"
	"syscall"
)

const (
	snapshotFile = "snapshot.jsonl"
	journalFile  = "journal.jsonl"
	lockFile     = "lock"
	// minCompactAt is the smallest journal size that triggers a snapshot. Past it, a
	// snapshot is taken when the journal outgrows the last snapshot, so compaction costs
	// a constant share of each write and a restart replays at most one snapshot's worth.
	minCompactAt = 4 << 20
)

type disk struct {
	dir          string
	lock         *os.File
	journal      *os.File
	journalBytes int64
	compactAt    int64 // journal size that triggers the next snapshot
	minCompact   int64 // floor of compactAt (minCompactAt; tests lower it)
}

// snapshotHeader opens a snapshot; each table follows as a tableHeader line and then
// one line per row.
type snapshotHeader struct {
	Format int    `json:"format"`
	Seq    uint64 `json:"seq"`
}

type tableHeader struct {
	Table string `json:"table"`
	Rows  int    `json:"rows"`
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
	if _, err := os.Stat(filepath.Join(dir, "state.json")); err == nil {
		lock.Close()
		return nil, fmt.Errorf("%s holds state of an ecsmini development build (format 1), which this ecsmini cannot read; remove it or use another --state-dir: %w", dir, ErrNewerFormat)
	}
	return &disk{dir: dir, lock: lock, compactAt: minCompactAt, minCompact: minCompactAt}, nil
}

// load reads the snapshot and replays the journal into tables, then opens the journal
// for appending. A torn last journal line (ecsmini killed mid-write, before the caller
// was answered) is cut off; damage anywhere else is an error.
func (d *disk) load(tables map[string]table) (uint64, error) {
	for _, t := range tables {
		t.startLoad()
	}
	defer func() {
		for _, t := range tables {
			t.finishLoad()
		}
	}()
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
	d.compactAt = max(d.minCompact, int64(len(b)))
	line, rest := nextLine(b)
	var h snapshotHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return 0, fmt.Errorf("%s is damaged: %w", path, err)
	}
	if h.Format != Format {
		return 0, fmt.Errorf("%s has format %d, this ecsmini reads format %d: %w", path, h.Format, Format, ErrNewerFormat)
	}
	for len(rest) > 0 {
		line, rest = nextLine(rest)
		var th tableHeader
		if err := json.Unmarshal(line, &th); err != nil || th.Table == "" {
			return 0, fmt.Errorf("%s is damaged: bad table header %.80q", path, line)
		}
		t, ok := tables[th.Table]
		if !ok {
			return 0, fmt.Errorf("%s has unknown table %q: %w", path, th.Table, ErrNewerFormat)
		}
		rows := make([][]byte, 0, th.Rows)
		for len(rows) < th.Rows {
			if len(rest) == 0 {
				return 0, fmt.Errorf("%s is damaged: table %s ends after %d of %d rows", path, th.Table, len(rows), th.Rows)
			}
			line, rest = nextLine(rest)
			rows = append(rows, line)
		}
		if err := t.loadRows(rows); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
	}
	return h.Seq, nil
}

// nextLine splits b after its first line (which is returned without the newline).
func nextLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
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

// snapshot atomically replaces the snapshot, then starts a fresh journal. A crash
// between the two leaves a journal whose entries are all older than the snapshot: load
// skips them.
func (d *disk) snapshot(seq uint64, tables map[string]table) error {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	slices.Sort(names)
	size, err := writeFileAtomic(filepath.Join(d.dir, snapshotFile), func(w *bufio.Writer) error {
		if err := writeJSONLine(w, snapshotHeader{Format: Format, Seq: seq}); err != nil {
			return err
		}
		for _, n := range names {
			t := tables[n]
			if err := writeJSONLine(w, tableHeader{Table: n, Rows: t.len()}); err != nil {
				return err
			}
			if err := t.writeRows(w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.compactAt = max(d.minCompact, size)
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

func writeJSONLine(w *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Write(b)
	return w.WriteByte('\n')
}

// writeFileAtomic writes path through a synced temporary file and a rename, so readers
// see the old file or the whole new one. It returns the size written.
func writeFileAtomic(path string, write func(*bufio.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-*.tmp")
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	size, _ := tmp.Seek(0, io.SeekCurrent)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync() // best effort: not every filesystem supports syncing a directory
		dir.Close()
	}
	return size, nil
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
