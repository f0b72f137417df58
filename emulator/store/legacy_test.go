package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMigratesFormat2 checks state written by the previous release (format 2: unframed
// snapshot.jsonl and journal.jsonl) loads whole and is rewritten in the current format.
func TestMigratesFormat2(t *testing.T) {
	tests := []struct {
		name           string
		snapshot, jrnl string
		want           string
	}{
		{
			name:     "snapshot and journal",
			snapshot: "{\"format\":2,\"seq\":2}\n{\"table\":\"rows\",\"rows\":2}\n\"a\"\t{\"name\":\"a\",\"n\":1}\n\"b\"\t{\"name\":\"b\",\"n\":2}\n",
			jrnl: "{\"format\":2}\n{\"seq\":2,\"ops\":[{\"t\":\"rows\",\"k\":\"old\",\"v\":{}}]}\n" +
				"{\"seq\":3,\"ops\":[{\"t\":\"rows\",\"k\":\"c\",\"v\":{\"n\":3}},{\"t\":\"rows\",\"k\":\"a\",\"d\":true}]}\n" +
				"{\"seq\":4,\"ops\":[{\"t\":\"rows\",\"k\":\"d\",\"v\":{\"n\"", // torn, never acknowledged
			want: "b,c",
		},
		{name: "journal only", jrnl: "{\"format\":2}\n{\"seq\":1,\"ops\":[{\"t\":\"rows\",\"k\":\"a\",\"v\":{}}]}\n", want: "a"},
		{name: "snapshot only", snapshot: "{\"format\":2,\"seq\":7}\n{\"table\":\"rows\",\"rows\":1}\n\"z\"\t{}\n", want: "z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.snapshot != "" {
				writeFile(t, filepath.Join(dir, snapshotFile), []byte(tc.snapshot))
			}
			if tc.jrnl != "" {
				writeFile(t, filepath.Join(dir, legacyJournal), []byte(tc.jrnl))
			}
			s, tb := open(t, dir)
			if got := keys(s, tb); got != tc.want {
				t.Fatalf("keys = %q, want %q", got, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, legacyJournal)); !os.IsNotExist(err) {
				t.Errorf("journal.jsonl still there after migration (err %v)", err)
			}
			if b := readFile(t, filepath.Join(dir, snapshotFile)); b[0] == '{' {
				t.Errorf("snapshot.jsonl was not rewritten in format %d", Format)
			}
			seq := s.Seq()
			put(t, s, tb, "new", 0)
			s.Abandon()
			s2, tb2 := open(t, dir)
			defer s2.Close()
			want := strings.Split(tc.want+",new", ",")
			slices.Sort(want)
			if got := keys(s2, tb2); got != strings.Join(want, ",") {
				t.Fatalf("after migration and a crash: keys = %q, want %q", got, want)
			}
			if s2.Seq() != seq+1 {
				t.Fatalf("seq = %d, want %d", s2.Seq(), seq+1)
			}
		})
	}
}

// TestRecoversDamagedFormat2 checks damaged format-2 state is refused as damage, and that
// a recovering open keeps what precedes the damage and says what it dropped.
func TestRecoversDamagedFormat2(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, legacyJournal), []byte("{\"format\":2}\n"+
		"{\"seq\":1,\"ops\":[{\"t\":\"rows\",\"k\":\"a\",\"v\":{}}]}\nnot json\n{\"seq\":3,\"ops\":[]}\n"))
	s := New()
	NewTable[row](s, "rows")
	if err := s.Open(dir); !errors.Is(err, ErrDamaged) {
		t.Fatalf("open: err = %v, want ErrDamaged", err)
	}
	s2, rows, _ := open2(t, dir, Options{Recover: true})
	defer s2.Close()
	if got := keys(s2, rows); got != "a" {
		t.Fatalf("keys = %q, want a", got)
	}
	if lost := s2.Recovered(); len(lost) != 1 || !strings.Contains(lost[0], "damaged entry") {
		t.Fatalf("recovered = %q", lost)
	}
}
