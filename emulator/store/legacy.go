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
)

// Format 2 (ecsmini releases before the checksummed format) kept unframed JSON lines in
// snapshot.jsonl and journal.jsonl. It is read once and migrated: see migrate.

const (
	legacyFormat  = 2
	legacyJournal = "journal.jsonl"
)

type legacySnapshotHeader struct {
	Format int    `json:"format"`
	Seq    uint64 `json:"seq"`
}

// loadLegacy reads format-2 state into tables and returns the last transaction. On
// damage it stops, leaving in tables what it read before, and returns the transaction
// reached with the error.
func loadLegacy(dir string, tables map[string]table) (uint64, error) {
	seq, err := loadLegacySnapshot(filepath.Join(dir, snapshotFile), tables)
	if err != nil {
		return 0, err
	}
	path := filepath.Join(dir, legacyJournal)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return seq, nil
	}
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	last, err := replayLegacy(f, seq, tables)
	if err != nil {
		return last, fmt.Errorf("%s: %w", legacyJournal, err)
	}
	return last, nil
}

func loadLegacySnapshot(path string, tables map[string]table) (uint64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	line, rest, _ := cutLine(b)
	var h legacySnapshotHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return 0, fmt.Errorf("%s is damaged: %w", path, err)
	}
	if h.Format != legacyFormat {
		return 0, fmt.Errorf("%s is damaged: an unframed header with format %d", path, h.Format)
	}
	for len(rest) > 0 {
		line, rest, _ = cutLine(rest)
		var th tableLine
		if err := json.Unmarshal(line, &th); err != nil || th.Table == "" {
			return 0, fmt.Errorf("%s is damaged: bad table header %.80q", path, line)
		}
		t, ok := tables[th.Table]
		if !ok {
			return 0, fmt.Errorf("%s has unknown table %q: %w", path, th.Table, ErrNewerFormat)
		}
		for i := 0; i < th.Rows; i++ {
			if len(rest) == 0 {
				return 0, fmt.Errorf("%s is damaged: table %s ends after %d of %d rows", path, th.Table, i, th.Rows)
			}
			line, rest, _ = cutLine(rest)
			k, v, ok := bytes.Cut(line, []byte{'\t'})
			var key string
			if !ok || json.Unmarshal(k, &key) != nil {
				return 0, fmt.Errorf("%s is damaged: table %s row %d has no key", path, th.Table, i+1)
			}
			if err := t.restore(key, v); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return h.Seq, nil
}

// replayLegacy applies the format-2 journal entries newer than seq; a torn last line is
// dropped, as format 2 did.
func replayLegacy(f *os.File, seq uint64, tables map[string]table) (uint64, error) {
	r := bufio.NewReaderSize(f, 1<<20)
	first := true
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return seq, nil
		}
		if err != nil {
			return seq, err
		}
		if first {
			first = false
			var h struct{ Format int }
			if err := json.Unmarshal(line, &h); err != nil || h.Format != legacyFormat {
				return seq, fmt.Errorf("bad header %.80q", line)
			}
			continue
		}
		var e journalEntry
		if err := json.Unmarshal(bytes.TrimSpace(line), &e); err != nil {
			return seq, fmt.Errorf("damaged entry: %w", err)
		}
		if e.Seq <= seq {
			continue
		}
		if err := applyOps(e.Ops, tables); err != nil {
			return seq, err
		}
		seq = e.Seq
	}
}

// applyOps replays one journalled transaction.
func applyOps(ops []journalOp, tables map[string]table) error {
	for _, o := range ops {
		t, ok := tables[o.Table]
		if !ok {
			return fmt.Errorf("unknown table %q: %w", o.Table, ErrNewerFormat)
		}
		if o.Del {
			t.deleteKey(o.Key)
			continue
		}
		if err := t.restore(o.Key, o.Value); err != nil {
			return err
		}
	}
	return nil
}
