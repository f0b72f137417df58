package store

import (
	"errors"
	"strings"
	"testing"
)

// TestAfterCommit checks when commit hooks run: after a successful commit, in order, with
// the lock released (a hook may start another Update); never after a failed one.
func TestAfterCommit(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fail    bool
		noWrite bool
		want    string
	}{
		{name: "committed", want: "1,2"},
		{name: "read-only transaction still commits", noWrite: true, want: "1,2"},
		{name: "failed", fail: true, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			tb := NewTable[row](s, "rows")
			var ran []string
			err := s.Update(func(tx *Tx) error {
				if !tc.noWrite {
					tb.Put(tx, "a", &row{N: 1})
				}
				tx.AfterCommit(func() { ran = append(ran, "1") })
				tx.AfterCommit(func() {
					ran = append(ran, "2")
					put(t, s, tb, "from-hook", 2) // the lock must be free
				})
				if tc.fail {
					return boom
				}
				return nil
			})
			if tc.fail != (err != nil) {
				t.Fatalf("err = %v", err)
			}
			if got := join(ran); got != tc.want {
				t.Errorf("hooks ran %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAfterCommitNotRunWhenJournalFails checks a transaction whose journal write fails
// leaves no trace: its rows are undone and its hooks never run.
func TestAfterCommitNotRunWhenJournalFails(t *testing.T) {
	dir := t.TempDir()
	s, tb := open(t, dir)
	defer s.Abandon()
	// Close the journal under the store so the next append fails.
	if err := s.disk.seg.f.Close(); err != nil {
		t.Fatal(err)
	}
	ran := false
	err := s.Update(func(tx *Tx) error {
		tb.Put(tx, "a", &row{N: 1})
		tx.AfterCommit(func() { ran = true })
		return nil
	})
	if err == nil {
		t.Fatal("a commit whose journal write fails must fail")
	}
	if ran {
		t.Error("a hook ran for a transaction that did not commit")
	}
	if got := keys(s, tb); got != "" {
		t.Errorf("keys = %q, want none", got)
	}
}

func join(xs []string) string { return strings.Join(xs, ",") }

// TestFailCommits checks injected faults fail writing transactions whole and run no
// hooks, and that clearing them lets commits through again.
func TestFailCommits(t *testing.T) {
	s := New()
	tb := NewTable[row](s, "rows")
	boom := errors.New("disk full")
	s.FailCommits(boom)
	ran := false
	err := s.Update(func(tx *Tx) error {
		tb.Put(tx, "a", &row{N: 1})
		tx.AfterCommit(func() { ran = true })
		return nil
	})
	if !errors.Is(err, boom) || ran || keys(s, tb) != "" {
		t.Fatalf("with a fault: err %v, hook ran %v, keys %q", err, ran, keys(s, tb))
	}
	s.FailCommits(nil)
	put(t, s, tb, "a", 1)
	if keys(s, tb) != "a" {
		t.Fatalf("after clearing the fault: keys %q", keys(s, tb))
	}
}
