package store

import (
	"fmt"
	"strconv"
	"strings"
)

// NextOrdinal is the key part that orders a new record after every record under prefix
// (keys prefix + ordinal + NUL + id): creation order, even for records made at the same
// instant. It must run inside a store Update.
func NextOrdinal[T any](t *Table[T], prefix string) string {
	n := uint64(0)
	t.Descend(prefix+"\xff", func(k string, _ *T) bool {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			ord, _, _ := strings.Cut(rest, "\x00")
			if v, err := strconv.ParseUint(ord, 10, 64); err == nil {
				n = v
			}
		}
		return false
	})
	return fmt.Sprintf("%012d", n+1)
}
