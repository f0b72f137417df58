package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// table is the type-erased side of Table that the store journals and restores.
type table interface {
	tableName() string
	restore(key string, raw json.RawMessage) error
	len() int
	loadRows(rows [][]byte) error
	startLoad()
	finishLoad()
	putAny(key string, v any) (old any, existed bool)
	deleteKey(key string) (old any, existed bool)
	writeRows(w *bufio.Writer) error
}

// Table is a typed, key-ordered table of *T. Values are shared, never copied: a value
// must not be modified after Put (copy, change, Put the copy).
//
// Reads must happen inside Store.View or Store.Update.
type Table[T any] struct {
	name string
	rows map[string]*T
	keys []string // sorted, so listings page in a stable order

	// loading defers keeping keys sorted until finishLoad, so that loading n rows
	// costs one sort rather than n insertions.
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
func (t *Table[T]) Ascend(from string, fn func(key string, v *T) bool) {
	for i := sort.SearchStrings(t.keys, from); i < len(t.keys); i++ {
		k := t.keys[i]
		if !fn(k, t.rows[k]) {
			return
		}
	}
}

// Descend calls fn for each row whose key is < before (all rows when before is ""),
// in reverse key order, until fn returns false.
func (t *Table[T]) Descend(before string, fn func(key string, v *T) bool) {
	i := len(t.keys)
	if before != "" {
		i = sort.SearchStrings(t.keys, before)
	}
	for i--; i >= 0; i-- {
		k := t.keys[i]
		if !fn(k, t.rows[k]) {
			return
		}
	}
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
	if !existed && !t.loading {
		i := sort.SearchStrings(t.keys, key)
		t.keys = append(t.keys, "")
		copy(t.keys[i+1:], t.keys[i:])
		t.keys[i] = key
	}
	t.rows[key] = v.(*T)
	return old, existed
}

func (t *Table[T]) deleteKey(key string) (any, bool) {
	old, existed := t.rows[key]
	if !existed {
		return nil, false
	}
	delete(t.rows, key)
	if t.loading {
		return old, true
	}
	i := sort.SearchStrings(t.keys, key)
	t.keys = append(t.keys[:i], t.keys[i+1:]...)
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

// loadRows decodes snapshot rows (`"key"<TAB>value`) on every core, then inserts them.
func (t *Table[T]) loadRows(rows [][]byte) error {
	keys := make([]string, len(rows))
	vals := make([]*T, len(rows))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(rows)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				k, v, ok := bytes.Cut(rows[i], []byte{'\t'})
				if !ok {
					errs[w] = fmt.Errorf("table %s: row %d has no key", t.name, i)
					return
				}
				if err := json.Unmarshal(k, &keys[i]); err != nil {
					errs[w] = fmt.Errorf("table %s row %d key: %w", t.name, i, err)
					return
				}
				vals[i] = new(T)
				if err := json.Unmarshal(v, vals[i]); err != nil {
					errs[w] = fmt.Errorf("table %s key %q: %w", t.name, keys[i], err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, k := range keys {
		t.rows[k] = vals[i]
	}
	return nil
}

func (t *Table[T]) len() int { return len(t.rows) }

func (t *Table[T]) startLoad() { t.loading = true }

// finishLoad rebuilds the sorted key index after a load.
func (t *Table[T]) finishLoad() {
	t.keys = make([]string, 0, len(t.rows))
	for k := range t.rows {
		t.keys = append(t.keys, k)
	}
	slices.Sort(t.keys)
	t.loading = false
}

// writeRows writes one snapshot line per row, in key order: the key as a JSON string,
// a tab, the value as compact JSON (which never contains a raw tab or newline).
func (t *Table[T]) writeRows(w *bufio.Writer) error {
	for _, k := range t.keys {
		kb, err := json.Marshal(k)
		if err != nil {
			return fmt.Errorf("table %s key %q: %w", t.name, k, err)
		}
		vb, err := json.Marshal(t.rows[k])
		if err != nil {
			return fmt.Errorf("table %s key %q: %w", t.name, k, err)
		}
		w.Write(kb)
		w.WriteByte('\t')
		w.Write(vb)
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}
