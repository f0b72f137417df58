package store

import (
	"testing"
)

// TestCompactionDoesNotHoldTheLock stops a compaction while its snapshot is being
// written and checks that reads and writes go through meanwhile, that the snapshot holds
// the state as of when it started, and that nothing written during it is lost.
func TestCompactionDoesNotHoldTheLock(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	put(t, s, tb, "a", 1)
	put(t, s, tb, "b", 2)

	writing, resume := make(chan struct{}), make(chan struct{})
	crashPoint = func(step string) {
		if step == "snapshot-written" {
			close(writing)
			<-resume
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.Compact() }()
	<-writing

	// The snapshot is on its way to disk: the store must answer.
	put(t, s, tb, "c", 3)
	put(t, s, tb, "a", 10)
	_ = s.Update(func(tx *Tx) error { tb.Delete(tx, "b"); return nil })
	if got := keys(s, tb); got != "a,c" {
		t.Fatalf("keys during compaction = %q", got)
	}
	close(resume)
	err := <-done
	crashPoint = nil
	if err != nil {
		t.Fatal(err)
	}

	// The snapshot alone (journal segments beyond it aside) holds a and b as they were.
	snap := New()
	st := NewTable[row](snap, "rows")
	st.startLoad()
	r, err := readSnapshot(dir, snap.tables)
	st.finishLoad()
	if err != nil || len(r.damage) > 0 {
		t.Fatalf("snapshot: %v %v", err, r.damage)
	}
	if v, _ := st.Get("a"); keys(snap, st) != "a,b" || v.N != 1 {
		t.Fatalf("snapshot holds %q (a=%+v), want the state when it started: a=1,b", keys(snap, st), v)
	}

	s.Abandon()
	s2, tb2 := open(t, dir)
	defer s2.Close()
	if v, _ := tb2.Get("a"); keys(s2, tb2) != "a,c" || v.N != 10 {
		t.Fatalf("after reopen: %q a=%+v", keys(s2, tb2), v)
	}
}
