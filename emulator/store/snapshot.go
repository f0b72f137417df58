package store

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// A format-3 snapshot (snapshot.jsonl) is framed lines: a header naming its generation,
// the transaction it holds state up to and its table count; per table a header with its
// row count, then its rows; and a trailer repeating the counts, so a snapshot cut short
// at any point, even at a table boundary, is noticed.

type snapshotHeader struct {
	Format int    `json:"format"`
	Gen    uint64 `json:"gen"`
	Seq    uint64 `json:"seq"`
	Tables int    `json:"tables"`
}

// tableLine is a table header ({"table":name,"rows":n}) or the trailer
// ({"end":true,"tables":k,"rows":total}).
type tableLine struct {
	Table  string `json:"table,omitempty"`
	Rows   int    `json:"rows"`
	End    bool   `json:"end,omitempty"`
	Tables int    `json:"tables,omitempty"`
}

type namedView struct {
	name string
	view frozen
}

// writeSnapshot atomically replaces the snapshot with views (state up to seq), through a
// synced temporary file and a rename. It returns the size written.
func writeSnapshot(dir string, gen, seq uint64, views []namedView) (int64, error) {
	return writeFileAtomic(filepath.Join(dir, snapshotFile), func(w *bufio.Writer) error {
		if err := writeFramed(w, snapshotHeader{Format: Format, Gen: gen, Seq: seq, Tables: len(views)}); err != nil {
			return err
		}
		total := 0
		for _, v := range views {
			n := v.view.rowCount()
			total += n
			if err := writeFramed(w, tableLine{Table: v.name, Rows: n}); err != nil {
				return err
			}
			if err := v.view.writeRows(w); err != nil {
				return err
			}
		}
		return writeFramed(w, tableLine{End: true, Tables: len(views), Rows: total})
	})
}

func writeFramed(w *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(appendFrame(nil, b))
	return err
}

// snapRead is what reading the snapshot found.
type snapRead struct {
	present bool
	hdrOK   bool
	hdr     snapshotHeader
	size    int64
	damage  []string
}

// readSnapshot loads the snapshot's intact rows into tables. Damage is described in
// r.damage; only I/O failures and a newer format (told by an intact header) are errors.
func readSnapshot(dir string, tables map[string]table) (*snapRead, error) {
	b, err := os.ReadFile(filepath.Join(dir, snapshotFile))
	r := &snapRead{}
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	r.present, r.size = true, int64(len(b))
	line, rest, _ := cutLine(b)
	if p, ok := unframe(line); ok && json.Unmarshal(p, &r.hdr) == nil {
		if r.hdr.Format > Format {
			return nil, fmt.Errorf("%s has format %d, this ecsmini reads format %d: %w", snapshotFile, r.hdr.Format, Format, ErrNewerFormat)
		}
		r.hdrOK = r.hdr.Format == Format
	}
	if !r.hdrOK {
		r.damage = append(r.damage, snapshotFile+": its header is damaged")
	}
	tablesSeen, skipped := 0, 0
	var last string
	for len(rest) > 0 {
		line, rest, _ = cutLine(rest)
		var th tableLine
		if p, ok := unframe(line); !ok || len(p) == 0 || p[0] != '{' || json.Unmarshal(p, &th) != nil {
			skipped++ // not a table header: skip to the next one
			continue
		}
		if skipped > 0 {
			r.damage = append(r.damage, fmt.Sprintf("%s: %d damaged line(s) after table %q", snapshotFile, skipped, last))
			skipped = 0
		}
		if th.End {
			if th.Tables != tablesSeen || (r.hdrOK && th.Tables != r.hdr.Tables) {
				r.damage = append(r.damage, fmt.Sprintf("%s: holds %d tables, its trailer says %d", snapshotFile, tablesSeen, th.Tables))
			}
			if len(rest) > 0 {
				r.damage = append(r.damage, fmt.Sprintf("%s: unexpected data after its end", snapshotFile))
			}
			return r, nil
		}
		t, ok := tables[th.Table]
		if !ok {
			return nil, fmt.Errorf("%s has unknown table %q: %w", snapshotFile, th.Table, ErrNewerFormat)
		}
		tablesSeen++
		last = th.Table
		var rows [][]byte
		rows, rest = takeRows(rest, th.Rows)
		if len(rows) < th.Rows {
			r.damage = append(r.damage, fmt.Sprintf("%s: table %s ends after %d of %d rows", snapshotFile, th.Table, len(rows), th.Rows))
		}
		if lost, err := t.loadRows(rows); lost > 0 {
			r.damage = append(r.damage, fmt.Sprintf("%s: %d of %d rows of table %s are damaged (first: %v)", snapshotFile, lost, th.Rows, th.Table, err))
		}
	}
	if skipped > 0 {
		r.damage = append(r.damage, fmt.Sprintf("%s: %d damaged line(s) after table %q", snapshotFile, skipped, last))
	}
	want := "?"
	if r.hdrOK {
		want = fmt.Sprint(r.hdr.Tables)
	}
	r.damage = append(r.damage, fmt.Sprintf("%s: cut short after %d of %s tables (the rest of the state it held is lost)", snapshotFile, tablesSeen, want))
	return r, nil
}

// takeRows takes up to n row lines from b, stopping early at a line that is an intact
// table header or trailer (rows were lost before it).
func takeRows(b []byte, n int) (rows [][]byte, rest []byte) {
	rest = b
	for len(rows) < n && len(rest) > 0 {
		line, next, _ := cutLine(rest)
		if len(line) > framePrefix && line[framePrefix] == '{' { // rows start with a key, '"'
			if _, ok := unframe(line); ok {
				break
			}
		}
		rows = append(rows, line)
		rest = next
	}
	return rows, rest
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
	reached("snapshot-written")
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	return size, syncDir(filepath.Dir(path))
}
