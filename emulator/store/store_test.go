package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type row struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

func open(t *testing.T, dir string) (*Store, *Table[row]) {
	t.Helper()
	s := New()
	tb := NewTable[row](s, "rows")
	if err := s.Open(dir); err != nil {
		t.Fatalf("open: %v", err)
	}
	return s, tb
}

func put(t *testing.T, s *Store, tb *Table[row], key string, n int) {
	t.Helper()
	if err := s.Update(func(tx *Tx) error { tb.Put(tx, key, &row{Name: key, N: n}); return nil }); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func keys(s *Store, tb *Table[row]) string {
	var out []string
	s.View(func() {
		tb.Ascend("", func(k string, v *row) bool { out = append(out, k); return true })
	})
	return strings.Join(out, ",")
}

func TestUpdateRollsBackOnError(t *testing.T) {
	s := New()
	tb := NewTable[row](s, "rows")
	put(t, s, tb, "a", 1)
	boom := errors.New("boom")
	err := s.Update(func(tx *Tx) error {
		tb.Put(tx, "b", &row{N: 2})
		tb.Put(tx, "a", &row{N: 9})
		tb.Delete(tx, "a")
		if _, ok := tb.Get("b"); !ok {
			t.Error("a transaction must read its own writes")
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got := keys(s, tb); got != "a" {
		t.Fatalf("keys after rollback = %q, want a", got)
	}
	v, _ := tb.Get("a")
	if v.N != 1 {
		t.Fatalf("a.N = %d after rollback, want 1", v.N)
	}
	if s.Seq() != 1 {
		t.Fatalf("seq = %d, want 1", s.Seq())
	}
}

func TestOrderedIteration(t *testing.T) {
	s := New()
	tb := NewTable[row](s, "rows")
	for _, k := range []string{"c", "a", "d", "b"} {
		put(t, s, tb, k, 0)
	}
	if got := keys(s, tb); got != "a,b,c,d" {
		t.Fatalf("ascend = %q", got)
	}
	var desc []string
	s.View(func() { tb.Descend("c", func(k string, _ *row) bool { desc = append(desc, k); return true }) })
	if strings.Join(desc, ",") != "b,a" {
		t.Fatalf("descend before c = %v", desc)
	}
	_ = s.Update(func(tx *Tx) error { tb.Delete(tx, "b"); return nil })
	if got := keys(s, tb); got != "a,c,d" {
		t.Fatalf("after delete = %q", got)
	}
}

func TestReopenAfterKillKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	put(t, s, tb, "a", 1)
	put(t, s, tb, "b", 2)
	_ = s.Update(func(tx *Tx) error { tb.Delete(tx, "a"); return nil })
	// Simulate SIGKILL: no Close, no snapshot; just let go of the lock.
	s.disk.close()

	s2, tb2 := open(t, dir)
	defer s2.Close()
	if got := keys(s2, tb2); got != "b" {
		t.Fatalf("after crash keys = %q, want b", got)
	}
	if s2.Seq() != 3 {
		t.Fatalf("seq = %d, want 3", s2.Seq())
	}
}

func TestReopenAfterCloseUsesSnapshot(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	put(t, s, tb, "a", 1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, snapshotFile)); err != nil {
		t.Fatalf("no snapshot after close: %v", err)
	}
	s2, tb2 := open(t, dir)
	put(t, s2, tb2, "b", 2)
	s2.disk.close()
	s3, tb3 := open(t, dir)
	defer s3.Close()
	if got := keys(s3, tb3); got != "a,b" {
		t.Fatalf("keys = %q", got)
	}
}

func TestRefusesUnusableState(t *testing.T) {
	framed := func(lines ...string) string {
		var b []byte
		for _, l := range lines {
			b = appendFrame(b, []byte(l))
		}
		return string(b)
	}
	tests := []struct {
		name, file, content, want string
		newer                     bool
	}{
		{"newer snapshot", snapshotFile, framed(`{"format":99,"gen":1,"seq":1}`), "format 99", true},
		{"newer journal", segName(1), string(encodeHeader(segHeader{Format: 4, Gen: 1})), "format 4", true},
		{"unknown table", snapshotFile, framed(`{"format":3,"gen":1,"seq":0,"tables":1}`, `{"table":"widgets","rows":0}`), "unknown table", true},
		{"development state", "state.json", "{}", "development build", true},
		{"damaged snapshot header is not a newer format", snapshotFile, "00000000 {\"format\":99}\n", "header is damaged", false},
		{"legacy damaged middle", legacyJournal, "{\"format\":2}\nnot json\n{\"seq\":2,\"ops\":[]}\n", "damaged entry", false},
		{"legacy truncated table", snapshotFile, "{\"format\":2,\"seq\":1}\n{\"table\":\"rows\",\"rows\":2}\n\"a\"\t{}\n", "ends after 1 of 2 rows", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			os.WriteFile(path, []byte(tt.content), 0o600)
			s := New()
			NewTable[row](s, "rows")
			err := s.Open(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if errors.Is(err, ErrNewerFormat) != tt.newer {
				t.Fatalf("errors.Is(err, ErrNewerFormat) = %v, want %v (err: %v)", !tt.newer, tt.newer, err)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Fatalf("refused state file was modified: %q", b)
			}
		})
	}
}

func TestSecondOwnerIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	defer s.Close()
	s2 := New()
	NewTable[row](s2, "rows")
	if err := s2.Open(dir); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open err = %v, want in use", err)
	}
}

func TestCompactionWhenJournalGrows(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	s.disk.minCompact, s.disk.compactAt = 200, 200
	for i := 0; i < 20; i++ {
		put(t, s, tb, string(rune('a'+i)), i)
		waitCompaction(s)
		// The journal may grow to the size of the last snapshot, never much past it.
		if limit := max(s.disk.compactAt, 200) + 100; s.disk.seg.off > limit {
			t.Fatalf("journal not compacted: %d bytes, limit %d", s.disk.seg.off, limit)
		}
	}
	s.disk.close()
	s2, tb2 := open(t, dir)
	defer s2.Close()
	if got := keys(s2, tb2); got != "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t" {
		t.Fatalf("rows after compaction+reopen = %q", got)
	}
}

func TestLargeStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	const n = 3000 // enough rows for the parallel decode path
	_ = s.Update(func(tx *Tx) error {
		for i := n - 1; i >= 0; i-- {
			k := fmt.Sprintf("k%05d", i)
			tb.Put(tx, k, &row{Name: k, N: i})
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, tb2 := open(t, dir)
	defer s2.Close()
	i := 0
	s2.View(func() {
		tb2.Ascend("", func(k string, v *row) bool {
			if want := fmt.Sprintf("k%05d", i); k != want || v.N != i || v.Name != want {
				t.Fatalf("row %d = %q %+v", i, k, v)
			}
			i++
			return true
		})
	})
	if i != n {
		t.Fatalf("%d rows after reopen, want %d", i, n)
	}
}

// waitCompaction waits until no background compaction is running.
func waitCompaction(s *Store) {
	s.mu.Lock()
	s.waitCompactionLocked()
	s.mu.Unlock()
}
