package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// segRead is what reading one journal segment found.
type segRead struct {
	name    string
	gen     uint64 // from the file name
	hdr     segHeader
	hdrOK   bool
	entries []journalEntry // intact transactions, in file order
	next    uint64         // the generation a rotation marker names, 0 if none
	good    int64          // offset just past the last intact line before any damage
	torn    bool           // a torn last record was dropped (never acknowledged)
	damage  []string
}

// lastSeq is the last transaction the segment's intact records reach.
func (r *segRead) lastSeq() uint64 {
	if n := len(r.entries); n > 0 {
		return r.entries[n-1].Seq
	}
	return r.hdr.After
}

// readSegment reads and checks a journal segment. Damage is described in r.damage; only
// I/O failures and a newer format are errors.
func readSegment(path, name string, gen uint64) (*segRead, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	r := &segRead{name: name, gen: gen}
	line, rest, _ := cutLine(b)
	payload, ok := unframe(bytes.TrimRight(line, " "))
	if ok && json.Unmarshal(payload, &r.hdr) == nil {
		if r.hdr.Format > Format {
			return nil, fmt.Errorf("%s has format %d, this ecsmini reads format %d: %w", name, r.hdr.Format, Format, ErrNewerFormat)
		}
		r.hdrOK = r.hdr.Format == Format && r.hdr.Gen == gen
	}
	if !r.hdrOK {
		r.damage = append(r.damage, fmt.Sprintf("%s: its header is damaged", name))
	}
	r.good = int64(len(b) - len(rest))
	badLines := 0
	var lastBad []byte // the last damaged piece, if it ends the file
	var beforeDamage uint64
	for len(rest) > 0 {
		line, next, complete := cutLine(rest)
		var e journalEntry
		payload, ok := unframe(line)
		if ok && complete && json.Unmarshal(payload, &e) == nil {
			if badLines == 0 {
				r.good = int64(len(b) - len(next))
			}
			if e.Next != 0 {
				r.next = e.Next
			} else {
				r.entries = append(r.entries, e)
			}
			lastBad = nil
		} else {
			if badLines == 0 {
				beforeDamage = r.lastSeq()
			}
			badLines++
			lastBad = line
		}
		rest = next
	}
	// A damaged last piece past the header's high-water mark is a record that was being
	// written when ecsmini stopped: never acknowledged, safe to drop.
	// (When the header says more was written, the cut-short note below covers it.)
	cut := r.hdrOK && r.hdr.Last > r.lastSeq()
	if badLines == 1 && lastBad != nil && r.hdrOK {
		r.torn = !cut
		badLines = 0
	}
	if badLines > 0 {
		r.damage = append(r.damage, fmt.Sprintf("%s: %d damaged record(s) after transaction %d", name, badLines, beforeDamage))
	}
	if cut {
		r.damage = append(r.damage, fmt.Sprintf("%s: ends at transaction %d but reached %d (cut short): transactions %d-%d are lost",
			name, r.lastSeq(), r.hdr.Last, r.lastSeq()+1, r.hdr.Last))
	}
	return r, nil
}

// cutLine splits b after its first line; complete reports whether the line ended in a
// newline.
func cutLine(b []byte) (line, rest []byte, complete bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}
