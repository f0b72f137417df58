package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	fuzzOnce  sync.Once
	fuzzFiles map[string][]byte // a valid state directory (see damagedState)
	fuzzNames []string          // its files, in a fixed order
	fuzzErr   error
)

// fuzzState builds, once, the state directory every FuzzOpen input damages.
func fuzzState(t *testing.T) {
	t.Helper()
	fuzzOnce.Do(func() {
		dir, _ := damagedState(t)
		fuzzFiles = map[string][]byte{}
		for _, n := range []string{snapshotFile, segName(3)} {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				fuzzErr = err
				return
			}
			fuzzFiles[n] = b
			fuzzNames = append(fuzzNames, n)
		}
	})
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
}

// FuzzOpen damages one file of a valid state directory (overwrites bytes at an offset,
// or cuts the file there) and opens it. The open must either load everything that was
// acknowledged, or refuse with a DamageError; never panic, never load a part silently.
// A recovering open must then succeed and keep only rows that were there.
func FuzzOpen(f *testing.F) {
	f.Add(uint8(0), uint32(0), []byte("X"), false)
	f.Add(uint8(0), uint32(0), []byte("{"), false)
	f.Add(uint8(0), uint32(0), []byte(`{"format":2,"seq":1}`+"\n"), false)
	f.Add(uint8(0), uint32(40), []byte("9"), false)
	f.Add(uint8(0), uint32(300), []byte{0}, false)
	f.Add(uint8(0), uint32(1000), []byte("\n"), false)
	f.Add(uint8(0), uint32(600), []byte{}, true)
	f.Add(uint8(1), uint32(20), []byte("5"), false)
	f.Add(uint8(1), uint32(200), []byte("\n\n"), false)
	f.Add(uint8(1), uint32(900), []byte{}, true)
	f.Add(uint8(1), uint32(1<<31), []byte{}, true)
	f.Add(uint8(1), uint32(127), []byte("x"), false)
	f.Fuzz(func(t *testing.T, file uint8, off uint32, data []byte, cut bool) {
		fuzzState(t)
		dir := t.TempDir()
		target := fuzzNames[int(file)%len(fuzzNames)]
		for n, b := range fuzzFiles {
			b = append([]byte(nil), b...)
			if n == target {
				at := int(off % uint32(len(b)+1))
				if cut {
					b = b[:at]
				} else {
					b = append(b[:at], append(append([]byte(nil), data...), b[min(at+len(data), len(b)):]...)...)
				}
			}
			writeFile(t, filepath.Join(dir, n), b)
		}
		unchanged := string(fuzzFiles[target]) == string(readFile(t, filepath.Join(dir, target)))
		full := letters('a', 't', "") + "|x"

		s := New()
		rows, other := NewTable[row](s, "rows"), NewTable[row](s, "other")
		err := s.Open(dir)
		switch {
		case err == nil:
			got := stateKeys(s, rows, other)
			s.Abandon()
			if got != full {
				t.Fatalf("damaged state loaded silently: keys %q, want %q or an error", got, full)
			}
			return
		case unchanged:
			t.Fatalf("intact state refused: %v", err)
		case !errors.Is(err, ErrDamaged) || errors.Is(err, ErrNewerFormat):
			t.Fatalf("damage reported as %v, want a DamageError", err)
		}

		s, rows, other = open2(t, dir, Options{Recover: true})
		defer s.Abandon()
		if len(s.Recovered()) == 0 {
			t.Fatal("recovery reported no damage")
		}
		for _, k := range strings.Split(strings.ReplaceAll(stateKeys(s, rows, other), "|", ","), ",") {
			if k != "" && !strings.Contains(full, k) {
				t.Fatalf("recovery invented row %q", k)
			}
		}
	})
}
