package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A journal segment (journal-<gen>.jsonl) holds the transactions committed after the
// snapshot of the same generation was frozen. Its first line is a fixed-size header,
// rewritten in place after each transaction is written (and synced), so it records how
// far the segment is known to reach: a segment cut short of that is damage, while a
// torn record past it is a write that was never acknowledged and is dropped silently.
// Compaction starts segment gen+1 and ends segment gen with a marker line naming it.

const headerSize = 128 // bytes of the header line, newline included

var errChecksum = errors.New("checksum mismatch")

type segHeader struct {
	Format int    `json:"format"`
	Gen    uint64 `json:"gen"`
	After  uint64 `json:"after"` // the last transaction before this segment
	Last   uint64 `json:"last"`  // the last transaction known written to this segment
}

type journalEntry struct {
	Seq  uint64      `json:"seq"`
	Ops  []journalOp `json:"ops,omitempty"`
	Next uint64      `json:"next,omitempty"` // a rotation marker: segment Next follows
}

type journalOp struct {
	Table string          `json:"t"`
	Key   string          `json:"k"`
	Value json.RawMessage `json:"v,omitempty"`
	Del   bool            `json:"d,omitempty"`
}

func segName(gen uint64) string { return "journal-" + strconv.FormatUint(gen, 10) + ".jsonl" }

// segGen parses a segment file name.
func segGen(name string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, "journal-")
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, ".jsonl"); !ok {
		return 0, false
	}
	g, err := strconv.ParseUint(s, 10, 64)
	return g, err == nil && g > 0
}

// listSegments returns the generations of the segments in dir, in order.
func listSegments(dir string) ([]uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	var gens []uint64
	for _, e := range ents {
		if g, ok := segGen(e.Name()); ok {
			gens = append(gens, g)
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// segment is the journal segment being appended to.
type segment struct {
	f    *os.File
	hdr  segHeader
	off  int64 // where the next record goes
	sync bool
}

func encodeHeader(h segHeader) []byte {
	p, _ := json.Marshal(h) // plain numbers: cannot fail
	line := appendFrame(make([]byte, 0, headerSize), p)
	pad := bytes.Repeat([]byte{' '}, headerSize-len(line))
	return append(append(line[:len(line)-1], pad...), '\n')
}

// createSegment starts segment gen, its directory entry synced when sync is set, so that
// no transaction is acknowledged into a segment a power loss could forget.
func createSegment(dir string, gen, after uint64, sync bool) (*segment, error) {
	path := filepath.Join(dir, segName(gen))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	s := &segment{f: f, hdr: segHeader{Format: Format, Gen: gen, After: after, Last: after}, off: headerSize, sync: sync}
	if _, err := f.WriteAt(encodeHeader(s.hdr), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	// The directory entry must be durable before a transaction is acknowledged into the
	// segment; the file's own content is synced by each transaction's write.
	if sync {
		if err := syncDir(dir); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}

// write appends one framed record, syncs it if asked, then advances the header's
// high-water mark to seq. On failure the record is cut off again.
func (s *segment) write(payload []byte, seq uint64) error {
	line := appendFrame(nil, payload)
	err := s.writeAt(line, s.off)
	if err == nil && s.sync {
		err = s.f.Sync()
	}
	if err == nil && seq > s.hdr.Last {
		h := s.hdr
		h.Last = seq
		if err = s.writeAt(encodeHeader(h), 0); err == nil {
			s.hdr = h
		}
	}
	if err != nil {
		_ = s.f.Truncate(s.off) // best effort: load drops a torn tail anyway
		return fmt.Errorf("journal write: %w", err)
	}
	s.off += int64(len(line))
	return nil
}

func (s *segment) writeAt(b []byte, off int64) error {
	_, err := s.f.WriteAt(b, off)
	return err
}

// appendTx journals one transaction as a single line.
func (s *segment) appendTx(seq uint64, ops []op) error {
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
	return s.write(b, seq)
}

// markNext ends the segment with a marker naming the segment that follows it, so a
// lost later segment is noticed.
func (s *segment) markNext(gen uint64) error {
	b, _ := json.Marshal(journalEntry{Seq: s.hdr.Last, Next: gen})
	line := appendFrame(nil, b)
	// Not synced: the marker only helps notice a lost segment; it protects no write.
	if err := s.writeAt(line, s.off); err != nil {
		return fmt.Errorf("journal write: %w", err)
	}
	s.off += int64(len(line))
	return nil
}

func (s *segment) close() error { return s.f.Close() }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("state directory sync: %w", err)
	}
	return nil
}
