package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrDamaged marks state that is damaged: Open refuses it unless asked to recover.
var ErrDamaged = errors.New("state is damaged")

// DamageError says what is damaged in a state directory and how to proceed.
type DamageError struct {
	Dir    string
	Damage []string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("the state in %s is damaged: %s. Nothing was changed. To start with what is intact and drop the rest, "+
		"run `ecsmini up --recover` (it lists what it drops); to start empty, move %s away",
		e.Dir, strings.Join(e.Damage, "; "), e.Dir)
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// loaded is what reading a state directory found.
type loaded struct {
	seq    uint64
	snap   *snapRead
	chain  []*segRead // the segments replayed, oldest first
	maxGen uint64
	damage []string
}

// load reads the state in d into tables and opens the journal for appending. Damaged
// state is refused (a *DamageError) unless recover is set: then what is intact is kept,
// a new snapshot and journal replace the damaged files, and the damage is returned.
func (d *disk) load(tables map[string]table, recover bool) (uint64, []string, error) {
	legacy, err := isLegacy(d.dir)
	if err != nil {
		return 0, nil, err
	}
	if legacy {
		return d.migrate(tables, recover)
	}
	for _, t := range tables {
		t.startLoad()
	}
	l, err := d.read(tables)
	for _, t := range tables {
		t.finishLoad()
	}
	if err != nil {
		return 0, nil, err
	}
	if len(l.damage) > 0 {
		if !recover {
			return 0, nil, &DamageError{Dir: d.dir, Damage: l.damage}
		}
		return l.seq, l.damage, d.rewrite(l.maxGen+1, l.seq, tables)
	}
	if err := d.resume(l); err != nil {
		return 0, nil, err
	}
	return l.seq, nil, nil
}

// read loads the snapshot and replays the journal segments that follow it, noting damage.
func (d *disk) read(tables map[string]table) (*loaded, error) {
	snap, err := readSnapshot(d.dir, tables)
	if err != nil {
		return nil, err
	}
	gens, err := listSegments(d.dir)
	if err != nil {
		return nil, err
	}
	l := &loaded{snap: snap, damage: snap.damage}
	if snap.hdrOK {
		l.seq, l.maxGen = snap.hdr.Seq, snap.hdr.Gen
	} else if snap.present {
		gens = contiguousTail(gens) // older segments may predate the snapshot
	}
	for _, g := range gens {
		if snap.hdrOK && g < snap.hdr.Gen {
			continue // compacted into the snapshot; removed once the load succeeds
		}
		r, err := readSegment(filepath.Join(d.dir, segName(g)), segName(g), g)
		if err != nil {
			return nil, err
		}
		l.chain = append(l.chain, r)
		l.damage = append(l.damage, r.damage...)
		l.maxGen = max(l.maxGen, g)
	}
	l.checkStart()
	var prev *segRead
	for _, r := range l.chain {
		if prev != nil && r.gen != prev.gen+1 {
			l.note("journal-%d.jsonl to journal-%d.jsonl are missing (deleted?): the changes they held are lost", prev.gen+1, r.gen-1)
		}
		if r.hdrOK && r.hdr.After > l.seq && (prev != nil || l.snap.hdrOK) {
			l.note("%s starts after transaction %d, but the state before it reaches only %d: transactions %d-%d are lost", r.name, r.hdr.After, l.seq, l.seq+1, r.hdr.After)
			l.seq = r.hdr.After
		}
		for _, e := range r.entries {
			if e.Seq <= l.seq {
				continue // already in the snapshot
			}
			if e.Seq != l.seq+1 {
				l.note("%s: transactions %d-%d are missing", r.name, l.seq+1, e.Seq-1)
			}
			if err := applyOps(e.Ops, tables); err != nil {
				if errors.Is(err, ErrNewerFormat) {
					return nil, fmt.Errorf("%s: %w", r.name, err)
				}
				l.note("%s: transaction %d cannot be read: %v", r.name, e.Seq, err)
			}
			l.seq = e.Seq
		}
		prev = r
	}
	if prev != nil && prev.next != 0 {
		l.note("%s is followed by journal-%d.jsonl, which is missing (deleted?): the changes after transaction %d are lost", prev.name, prev.next, l.seq)
	}
	return l, nil
}

// checkStart notes a snapshot and journal that do not belong together.
func (l *loaded) checkStart() {
	s := l.snap
	switch {
	case !s.present && len(l.chain) == 0: // a new state directory
	case !s.present:
		if first := l.chain[0]; first.gen != 1 || first.hdr.After != 0 {
			l.note("%s is missing (deleted?): the state up to transaction %d is lost; the journal holds only later changes", snapshotFile, first.hdr.After)
		}
	case !s.hdrOK:
	case len(l.chain) == 0:
		l.note("%s is missing (deleted?): the changes after transaction %d, if any, are lost", segName(s.hdr.Gen), s.hdr.Seq)
	case l.chain[0].gen != s.hdr.Gen:
		l.note("%s (generation %d) is older than the journal (generation %d): an older copy was restored, or %s was deleted; changes after transaction %d are lost",
			snapshotFile, s.hdr.Gen, l.chain[0].gen, segName(s.hdr.Gen), s.hdr.Seq)
	}
}

func (l *loaded) note(format string, args ...any) {
	l.damage = append(l.damage, fmt.Sprintf(format, args...))
}

// contiguousTail returns the longest run of consecutive generations ending at the last.
func contiguousTail(gens []uint64) []uint64 {
	i := len(gens) - 1
	for i > 0 && gens[i-1]+1 == gens[i] {
		i--
	}
	return gens[max(i, 0):]
}

// resume opens the last segment for appending after an intact load: a torn last record
// is cut off, and segments the snapshot already holds are removed.
func (d *disk) resume(l *loaded) error {
	if len(l.chain) == 0 {
		seg, err := createSegment(d.dir, 1, 0, d.sync)
		if err != nil {
			return err
		}
		d.seg = seg
	} else {
		r := l.chain[len(l.chain)-1]
		f, err := os.OpenFile(filepath.Join(d.dir, r.name), os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		if err := f.Truncate(r.good); err != nil {
			f.Close()
			return fmt.Errorf("journal: %w", err)
		}
		d.seg = &segment{f: f, hdr: r.hdr, off: r.good, sync: d.sync}
		if len(l.chain) > 1 {
			d.compactAt = 0 // a compaction was cut short: finish it at the next commit
		}
	}
	if l.snap.present && d.compactAt > 0 {
		d.compactAt = max(d.minCompact, l.snap.size)
	}
	if l.snap.hdrOK {
		if err := removeSegmentsBefore(d.dir, l.snap.hdr.Gen); err != nil {
			return err
		}
	}
	return removeLegacyJournal(d.dir)
}

// rewrite replaces the state files with a snapshot of tables (generation gen) and an
// empty journal: after a recovery, or a migration from an older format.
func (d *disk) rewrite(gen, seq uint64, tables map[string]table) error {
	seg, err := createSegment(d.dir, gen, seq, d.sync)
	if err != nil {
		return err
	}
	if _, err := writeSnapshot(d.dir, gen, seq, freezeAll(tables)); err != nil {
		seg.close()
		return err
	}
	d.seg = seg
	if err := removeSegmentsBefore(d.dir, gen); err != nil {
		return err
	}
	return removeLegacyJournal(d.dir)
}

// isLegacy reports whether dir holds format-2 state: a snapshot whose first line is the
// unframed format-2 header, or no snapshot but a format-2 journal.
func isLegacy(dir string) (bool, error) {
	f, err := os.Open(filepath.Join(dir, snapshotFile))
	if err == nil {
		defer f.Close()
		line, _, _ := cutLine(readPrefix(f, 4096))
		var h legacySnapshotHeader
		return json.Unmarshal(line, &h) == nil && h.Format == legacyFormat, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("snapshot: %w", err)
	}
	_, err = os.Stat(filepath.Join(dir, legacyJournal))
	return err == nil, nil
}

// readPrefix returns up to n bytes from the start of f.
func readPrefix(f *os.File, n int) []byte {
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}

// migrate reads format-2 state and writes it again in the current format. Format 2 has
// no checksums: its loader stops at the first damage, and a recovering open keeps what
// was read before it.
func (d *disk) migrate(tables map[string]table, recover bool) (uint64, []string, error) {
	for _, t := range tables {
		t.startLoad()
	}
	seq, err := loadLegacy(d.dir, tables)
	for _, t := range tables {
		t.finishLoad()
	}
	var lost []string
	switch {
	case errors.Is(err, ErrNewerFormat):
		return 0, nil, err
	case err != nil && !recover:
		return 0, nil, &DamageError{Dir: d.dir, Damage: []string{"state in format 2: " + err.Error()}}
	case err != nil:
		lost = []string{"state in format 2: " + err.Error() + "; what followed it is dropped"}
	}
	return seq, lost, d.rewrite(1, seq, tables)
}

func removeLegacyJournal(dir string) error {
	if err := os.Remove(filepath.Join(dir, legacyJournal)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}
