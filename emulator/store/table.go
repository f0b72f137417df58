package store

import (
	"encoding/json"
	"fmt"
	"sort"
)

// table is the type-erased side of Table that the store journals and restores.
type table interface {
	tableName() string
	restore(key string, raw json.RawMessage) error
	putAny(key string, v any) (old any, existed bool)
	deleteKey(key string) (old any, existed bool)
	encodeAll() (map[string]json.RawMessage, error)
}

// Table is a typed, key-ordered table of *T. Values are shared, never copied: a value
// must not be modified after Put (copy, change, Put the copy).
//
// Reads must happen inside Store.View or Store.Update.
type Table[T any] struct {
	name string
	rows map[string]*T
	keys []string // sorted, so listings page in a stable order
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
	if !existed {
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

func (t *Table[T]) encodeAll() (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(t.rows))
	for k, v := range t.rows {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("table %s key %q: %w", t.name, k, err)
		}
		out[k] = b
	}
	return out, nil
}
