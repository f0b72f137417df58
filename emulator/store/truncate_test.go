package store

import "testing"

func TestDeleteAll(t *testing.T) {
	s := New()
	a, b := NewTable[int](s, "a"), NewTable[string](s, "b")
	one, x := 1, "x"
	if err := s.Update(func(tx *Tx) error {
		a.Put(tx, "k1", &one)
		a.Put(tx, "k2", &one)
		b.Put(tx, "k", &x)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { s.DeleteAll(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	s.View(func() {
		n := 0
		a.Ascend("", func(string, *int) bool { n++; return true })
		if a.Len() != 0 || b.Len() != 0 || n != 0 {
			t.Errorf("after DeleteAll: %d and %d rows, %d in order", a.Len(), b.Len(), n)
		}
	})
}
