package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
)

// table is the type-erased side of Table that the store journals and restores.
type table interface {
	tableName() string
	restore(key string, raw json.RawMessage) error
	loadRows(rows [][]byte) (lost int, firstErr error)
	startLoad()
	finishLoad()
	putAny(key string, v any) (old any, existed bool)
	deleteKey(key string) (old any, existed bool)
	freeze() frozen
}

// frozen is a consistent, immutable view of one table that a snapshot writes without
// holding the store lock.
type frozen interface {
	rowCount() int
	writeRows(w *bufio.Writer) error
}

// Table is a typed, key-ordered table of *T. Values are shared, never copied: a value
// must not be modified after Put (copy, change, Put the copy). Snapshots rely on it: they
// encode the values of a frozen view while writers carry on.
//
// Reads must happen inside Store.View or Store.Update.
type Table[T any] struct {
	name string
	rows map[string]*T // for Get
	idx  index[T]      // the same rows in key order, for listings and snapshots

	// loading defers building idx until finishLoad, so that loading n rows costs one
	// sort rather than n insertions.
	loading bool
}

// NewTable registers a table named name with s. Tables must be registered before Open.
func NewTable[T any](s *Store, name string) *Table[T] {
	t := &Table[T]{name: name, rows: make(map[string]*T)}
	s.tables[name] = t
	return t
}

func (t *Table[T]) tableName() string { return t.name }

// Get returns the value stored under key.
func (t *Table[T]) Get(key string) (*T, bool) {
	v, ok := t.rows[key]
	return v, ok
}

// Len is the number of rows.
func (t *Table[T]) Len() int { return len(t.rows) }

// Ascend calls fn for each row whose key is >= from, in key order, until fn returns false.
func (t *Table[T]) Ascend(from string, fn func(key string, v *T) bool) { t.idx.ascend(from, fn) }

// Descend calls fn for each row whose key is < before (all rows when before is ""),
// in reverse key order, until fn returns false.
func (t *Table[T]) Descend(before string, fn func(key string, v *T) bool) {
	t.idx.descend(before, fn)
}

// Put stores v under key as part of tx.
func (t *Table[T]) Put(tx *Tx, key string, v *T) { tx.record(t, key, v, false) }

// Delete removes key as part of tx.
func (t *Table[T]) Delete(tx *Tx, key string) {
	if _, ok := t.rows[key]; ok {
		tx.record(t, key, nil, true)
	}
}

func (t *Table[T]) putAny(key string, v any) (any, bool) {
	old, existed := t.rows[key]
	t.rows[key] = v.(*T)
	if !t.loading {
		t.idx.set(key, v.(*T))
	}
	return old, existed
}

func (t *Table[T]) deleteKey(key string) (any, bool) {
	old, existed := t.rows[key]
	if !existed {
		return nil, false
	}
	delete(t.rows, key)
	if !t.loading {
		t.idx.remove(key)
	}
	return old, true
}

func (t *Table[T]) restore(key string, raw json.RawMessage) error {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("table %s key %q: %w", t.name, key, err)
	}
	t.putAny(key, v)
	return nil
}

// loadRows decodes framed snapshot rows (`"key"<TAB>value`) on every core, then inserts
// them. A row whose checksum or encoding is bad is skipped and counted in lost.
func (t *Table[T]) loadRows(rows [][]byte) (int, error) {
	keys := make([]string, len(rows))
	vals := make([]*T, len(rows))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(rows)/256))
	errs := make([]error, len(rows))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				errs[i] = t.decodeRow(rows[i], &keys[i], &vals[i])
			}
		}(w)
	}
	wg.Wait()
	lost := 0
	var first error
	for i, k := range keys {
		if errs[i] != nil {
			lost++
			if first == nil {
				first = fmt.Errorf("table %s row %d: %w", t.name, i+1, errs[i])
			}
			continue
		}
		t.rows[k] = vals[i]
	}
	return lost, first
}

func (t *Table[T]) decodeRow(line []byte, key *string, val **T) error {
	payload, ok := unframe(line)
	if !ok {
		return errChecksum
	}
	k, v, ok := bytes.Cut(payload, []byte{'\t'})
	if !ok {
		return fmt.Errorf("no key")
	}
	if err := json.Unmarshal(k, key); err != nil {
		return fmt.Errorf("key: %w", err)
	}
	*val = new(T)
	if err := json.Unmarshal(v, *val); err != nil {
		return fmt.Errorf("key %q: %w", *key, err)
	}
	return nil
}

func (t *Table[T]) startLoad() { t.loading = true }

// finishLoad builds the ordered index after a load.
func (t *Table[T]) finishLoad() {
	t.idx.build(t.rows)
	t.loading = false
}

func (t *Table[T]) freeze() frozen {
	return frozenTable[T]{name: t.name, n: len(t.rows), chunks: t.idx.freeze()}
}

type frozenTable[T any] struct {
	name   string
	n      int
	chunks []*chunk[T]
}

func (f frozenTable[T]) rowCount() int { return f.n }

// writeRows writes one framed line per row, in key order: the key as a JSON string, a
// tab, the value as compact JSON (which never contains a raw tab or newline).
func (f frozenTable[T]) writeRows(w *bufio.Writer) error {
	var buf, line []byte
	for _, c := range f.chunks {
		for _, e := range c.ents {
			kb, err := json.Marshal(e.key)
			if err != nil {
				return fmt.Errorf("table %s key %q: %w", f.name, e.key, err)
			}
			vb, err := json.Marshal(e.val)
			if err != nil {
				return fmt.Errorf("table %s key %q: %w", f.name, e.key, err)
			}
			buf = append(append(append(buf[:0], kb...), '\t'), vb...)
			line = appendFrame(line[:0], buf)
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
	}
	return nil
}
