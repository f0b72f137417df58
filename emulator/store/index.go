package store

import (
	"slices"
	"sort"
)

// chunkMax is the most rows a chunk holds before it splits. Small enough that copying a
// chunk on write is a few KiB; large enough that freezing a table copies few pointers.
const chunkMax = 256

type entry[T any] struct {
	key string
	val *T
}

// chunk is a sorted run of rows. A chunk whose epoch is older than its index's epoch
// may be shared with a frozen view and is never changed in place: it is copied first.
type chunk[T any] struct {
	epoch uint64
	ents  []entry[T]
}

// index is a table's rows in key order, as a list of chunks, so that a snapshot can take
// a consistent view in time proportional to the number of chunks (not rows) and write it
// without the store lock while writers carry on (copy on write, one chunk at a time).
type index[T any] struct {
	chunks []*chunk[T]
	epoch  uint64
}

// find returns the chunk and position where key is or would be inserted. ci is
// len(x.chunks) when key sorts after every row.
func (x *index[T]) find(key string) (ci, ei int, found bool) {
	ci = sort.Search(len(x.chunks), func(i int) bool {
		c := x.chunks[i]
		return c.ents[len(c.ents)-1].key >= key
	})
	if ci == len(x.chunks) {
		return ci, 0, false
	}
	c := x.chunks[ci]
	ei = sort.Search(len(c.ents), func(i int) bool { return c.ents[i].key >= key })
	return ci, ei, c.ents[ei].key == key
}

// own returns chunk ci, copied first if a frozen view may share it.
func (x *index[T]) own(ci int) *chunk[T] {
	c := x.chunks[ci]
	if c.epoch != x.epoch {
		ents := make([]entry[T], len(c.ents), len(c.ents)+1)
		copy(ents, c.ents)
		c = &chunk[T]{epoch: x.epoch, ents: ents}
		x.chunks[ci] = c
	}
	return c
}

// set stores v under key.
func (x *index[T]) set(key string, v *T) {
	ci, ei, found := x.find(key)
	if found {
		x.own(ci).ents[ei].val = v
		return
	}
	if ci == len(x.chunks) {
		if ci == 0 {
			x.chunks = append(x.chunks, &chunk[T]{epoch: x.epoch})
		} else {
			ci--
			ei = len(x.chunks[ci].ents)
		}
	}
	c := x.own(ci)
	c.ents = slices.Insert(c.ents, ei, entry[T]{key: key, val: v})
	if len(c.ents) > chunkMax {
		half := len(c.ents) / 2
		right := &chunk[T]{epoch: x.epoch, ents: slices.Clone(c.ents[half:])}
		clear(c.ents[half:]) // drop references the left half no longer holds
		c.ents = c.ents[:half]
		x.chunks = slices.Insert(x.chunks, ci+1, right)
	}
}

// remove deletes key if present.
func (x *index[T]) remove(key string) {
	ci, ei, found := x.find(key)
	if !found {
		return
	}
	c := x.own(ci)
	c.ents = slices.Delete(c.ents, ei, ei+1)
	if len(c.ents) == 0 {
		x.chunks = slices.Delete(x.chunks, ci, ci+1)
	}
}

// build replaces the index with the rows of m, sorted (used once after a load).
func (x *index[T]) build(m map[string]*T) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	x.chunks = x.chunks[:0]
	const fill = chunkMax / 2 // room to grow before the first split
	for i := 0; i < len(keys); i += fill {
		end := min(i+fill, len(keys))
		c := &chunk[T]{epoch: x.epoch, ents: make([]entry[T], 0, fill+1)}
		for _, k := range keys[i:end] {
			c.ents = append(c.ents, entry[T]{key: k, val: m[k]})
		}
		x.chunks = append(x.chunks, c)
	}
}

// freeze returns the current chunks as an immutable view: later writes copy a chunk
// before changing it.
func (x *index[T]) freeze() []*chunk[T] {
	x.epoch++
	return slices.Clone(x.chunks)
}

// ascend calls fn for the rows with key >= from, in order, until fn returns false.
func (x *index[T]) ascend(from string, fn func(string, *T) bool) {
	ci, ei, _ := x.find(from)
	for ; ci < len(x.chunks); ci, ei = ci+1, 0 {
		for _, e := range x.chunks[ci].ents[ei:] {
			if !fn(e.key, e.val) {
				return
			}
		}
	}
}

// descend calls fn for the rows with key < before (all when before is ""), in reverse
// order, until fn returns false.
func (x *index[T]) descend(before string, fn func(string, *T) bool) {
	ci, ei := len(x.chunks)-1, -1
	if ci >= 0 {
		ei = len(x.chunks[ci].ents)
	}
	if before != "" {
		ci, ei, _ = x.find(before)
		if ci == len(x.chunks) {
			ci--
			if ci >= 0 {
				ei = len(x.chunks[ci].ents)
			}
		}
	}
	for ; ci >= 0; ci-- {
		ents := x.chunks[ci].ents
		if ei < 0 {
			ei = len(ents)
		}
		for i := ei - 1; i >= 0; i-- {
			if !fn(ents[i].key, ents[i].val) {
				return
			}
		}
		ei = -1
	}
}
