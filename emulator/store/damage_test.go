package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// damagedState builds a state directory whose history spans two snapshots and a journal:
// other:x and rows a-e (snapshot generation 2, saved aside as the "older snapshot"),
// rows f-j (in the snapshot of generation 3), then rows k-t (journal-3, ten
// transactions, 12-21), and ecsmini killed.
func damagedState(t *testing.T) (dir string, older []byte) {
	t.Helper()
	dir = t.TempDir()
	s, rows, other := open2(t, dir, Options{})
	if err := s.Update(func(tx *Tx) error { other.Put(tx, "x", &row{Name: "x"}); return nil }); err != nil {
		t.Fatal(err)
	}
	putRange(t, s, rows, 'a', 'e')
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	older = readFile(t, filepath.Join(dir, snapshotFile))
	putRange(t, s, rows, 'f', 'j')
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	putRange(t, s, rows, 'k', 't')
	s.Abandon()
	return dir, older
}

func open2(t *testing.T, dir string, o Options) (*Store, *Table[row], *Table[row]) {
	t.Helper()
	s := New()
	rows, other := NewTable[row](s, "rows"), NewTable[row](s, "other")
	if err := s.OpenWith(dir, o); err != nil {
		t.Fatalf("open: %v", err)
	}
	return s, rows, other
}

func putRange(t *testing.T, s *Store, tb *Table[row], from, to rune) {
	t.Helper()
	for c := from; c <= to; c++ {
		put(t, s, tb, string(c), int(c))
	}
}

// letters is "a,b,...": the keys from..to without those in skip.
func letters(from, to rune, skip string) string {
	var out []string
	for c := from; c <= to; c++ {
		if !strings.ContainsRune(skip, c) {
			out = append(out, string(c))
		}
	}
	return strings.Join(out, ",")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// lineStart is the offset of line n (0-based) of b.
func lineStart(b []byte, n int) int {
	off := 0
	for ; n > 0; n-- {
		off += bytes.IndexByte(b[off:], '\n') + 1
	}
	return off
}

// flip changes the first occurrence of old in the file to new (same length), as a
// flipped bit would, without fixing its checksum.
func flip(t *testing.T, path, old, new string) {
	t.Helper()
	b := readFile(t, path)
	i := bytes.Index(b, []byte(old))
	if i < 0 {
		t.Fatalf("%q not in %s", old, path)
	}
	copy(b[i:], new)
	writeFile(t, path, b)
}

// dirState is every file of dir (but the lock) and its content.
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		if e.Name() != lockFile {
			m[e.Name()] = string(readFile(t, filepath.Join(dir, e.Name())))
		}
	}
	return m
}

func stateKeys(s *Store, rows, other *Table[row]) string { return keys(s, rows) + "|" + keys(s, other) }

func TestDamage(t *testing.T) {
	full := letters('a', 't', "") + "|x"
	j3 := func(dir string) string { return filepath.Join(dir, segName(3)) }
	snap := func(dir string) string { return filepath.Join(dir, snapshotFile) }
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir string, older []byte)
		want    string // what the damage message must say; "" for state that loads cleanly
		recover string // the keys a recovering open keeps
	}{
		{
			name: "torn last record is dropped silently",
			damage: func(t *testing.T, dir string, _ []byte) {
				f, _ := os.OpenFile(j3(dir), os.O_APPEND|os.O_WRONLY, 0)
				f.WriteString(`4f3c2a1b {"seq":22,"ops":[{"t":"rows","k":"u","v":{"na`)
				f.Close()
			},
			recover: full,
		},
		{
			name: "leftover snapshot temporary file is swept",
			damage: func(t *testing.T, dir string, _ []byte) {
				writeFile(t, filepath.Join(dir, ".snapshot-123.tmp"), []byte("half a snapshot"))
			},
			recover: full,
		},
		{
			name: "half-truncated journal",
			damage: func(t *testing.T, dir string, _ []byte) {
				b := readFile(t, j3(dir))
				writeFile(t, j3(dir), b[:lineStart(b, 6)+5]) // header, k-o, and a piece of p
			},
			want:    "journal-3.jsonl: ends at transaction 16 but reached 21",
			recover: letters('a', 'o', "") + "|x",
		},
		{
			name: "journal truncated at a record boundary",
			damage: func(t *testing.T, dir string, _ []byte) {
				b := readFile(t, j3(dir))
				writeFile(t, j3(dir), b[:lineStart(b, 9)]) // header, k-r
			},
			want:    "transactions 20-21 are lost",
			recover: letters('a', 'r', "") + "|x",
		},
		{
			name:    "deleted journal",
			damage:  func(t *testing.T, dir string, _ []byte) { os.Remove(j3(dir)) },
			want:    "journal-3.jsonl is missing",
			recover: letters('a', 'j', "") + "|x",
		},
		{
			name: "snapshot cut at a table boundary",
			damage: func(t *testing.T, dir string, _ []byte) {
				b := readFile(t, snap(dir))
				writeFile(t, snap(dir), b[:lineStart(b, 3)]) // header, table other, its row x
			},
			want:    "cut short after 1 of 2 tables",
			recover: letters('k', 't', "") + "|x",
		},
		{
			name:    "deleted snapshot",
			damage:  func(t *testing.T, dir string, _ []byte) { os.Remove(snap(dir)) },
			want:    "snapshot.jsonl is missing",
			recover: letters('k', 't', "") + "|",
		},
		{
			name:    "older snapshot",
			damage:  func(t *testing.T, dir string, older []byte) { writeFile(t, snap(dir), older) },
			want:    "is older than the journal",
			recover: letters('a', 'e', "") + "," + letters('k', 't', "") + "|x",
		},
		{
			name:    "flipped byte in a journal record",
			damage:  func(t *testing.T, dir string, _ []byte) { flip(t, j3(dir), `"name":"m"`, `"name":"l"`) },
			want:    "1 damaged record(s) after transaction 13",
			recover: letters('a', 't', "m") + "|x",
		},
		{
			name:    "flipped byte in a snapshot row",
			damage:  func(t *testing.T, dir string, _ []byte) { flip(t, snap(dir), `"name":"c"`, `"name":"C"`) },
			want:    "1 of 10 rows of table rows are damaged",
			recover: letters('a', 't', "c") + "|x",
		},
		{
			name:    "flipped byte in the snapshot header",
			damage:  func(t *testing.T, dir string, _ []byte) { flip(t, snap(dir), `"format":3`, `"format":7`) },
			want:    "snapshot.jsonl: its header is damaged",
			recover: full,
		},
		{
			name:    "flipped byte in the journal header",
			damage:  func(t *testing.T, dir string, _ []byte) { flip(t, j3(dir), `"format":3`, `"format":9`) },
			want:    "journal-3.jsonl: its header is damaged",
			recover: full,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, older := damagedState(t)
			tc.damage(t, dir, older)
			before := dirState(t, dir)

			s := New()
			rows, other := NewTable[row](s, "rows"), NewTable[row](s, "other")
			err := s.Open(dir)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				if got := stateKeys(s, rows, other); got != tc.recover {
					t.Fatalf("keys = %q, want %q", got, tc.recover)
				}
				if tmps, _ := filepath.Glob(filepath.Join(dir, ".snapshot-*.tmp")); len(tmps) > 0 {
					t.Errorf("temporary files left: %v", tmps)
				}
				put(t, s, rows, "z", 0) // the journal continues on a clean line
				s.Abandon()
				s2, rows2, other2 := open2(t, dir, Options{})
				defer s2.Close()
				if got, want := stateKeys(s2, rows2, other2), strings.Replace(tc.recover, "|", ",z|", 1); got != want {
					t.Fatalf("after a write and a crash: keys = %q, want %q", got, want)
				}
				return
			}
			var de *DamageError
			if !errors.As(err, &de) || !errors.Is(err, ErrDamaged) || errors.Is(err, ErrNewerFormat) {
				t.Fatalf("open: err = %v, want a DamageError (not ErrNewerFormat)", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--recover") {
				t.Fatalf("open: err = %v\nwant it to say %q and how to proceed (--recover)", err, tc.want)
			}
			if after := dirState(t, dir); !mapsEqual(before, after) {
				t.Fatalf("a refused open changed the state directory")
			}

			s, rows, other = open2(t, dir, Options{Recover: true})
			if got := stateKeys(s, rows, other); got != tc.recover {
				t.Errorf("recovered keys = %q, want %q", got, tc.recover)
			}
			if lost := s.Recovered(); !slices.ContainsFunc(lost, func(m string) bool { return strings.Contains(m, tc.want) }) {
				t.Errorf("recovery report %q does not mention %q", lost, tc.want)
			}
			put(t, s, rows, "z", 0)
			s.Abandon()
			s2, rows2, other2 := open2(t, dir, Options{}) // recovered state is intact again
			defer s2.Close()
			if got, want := stateKeys(s2, rows2, other2), strings.Replace(tc.recover, "|", ",z|", 1); got != want {
				t.Fatalf("reopened after recovery: keys = %q, want %q", got, want)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
