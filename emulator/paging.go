package emulator

import (
	"encoding/base64"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// page describes one page of a List operation.
type page struct {
	after string // store key the page starts after ("" for the first page)
	limit int
}

// newPage validates maxResults (1..max, default def) and decodes nextToken. Tokens are
// opaque to callers: base64 of the last key returned, bound to the listing's key prefix
// so a token from one listing cannot be replayed against another.
func newPage(in ecs.ListInput, prefix string, def, max int) (page, error) {
	p := page{limit: def}
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > max {
			return p, ecs.InvalidParameter("maxResults must be between 1 and %d.", max)
		}
		p.limit = *in.MaxResults
	}
	if in.NextToken != nil && *in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || !strings.HasPrefix(string(raw), prefix) {
			return p, ecs.InvalidParameter("Invalid nextToken.")
		}
		p.after = string(raw)
	}
	return p, nil
}

// token is the nextToken for a page that ended at key k.
func token(k string) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte(k))
	return &t
}

// listPage walks t's rows under prefix from where p starts, keeping rows for which keep
// returns true, up to p.limit; next is set when more kept rows may follow. With desc the
// walk goes backwards (p.after is then the key the previous page ended at).
func listPage[T any](t *store.Table[T], p page, prefix string, desc bool, keep func(k string, v *T) bool) (vals []*T, next *string) {
	var last string
	visit := func(k string, v *T) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if !keep(k, v) {
			return true
		}
		if len(vals) == p.limit {
			next = token(last)
			return false
		}
		vals = append(vals, v)
		last = k
		return true
	}
	switch {
	case desc:
		before := p.after
		if before == "" {
			before = prefix + "\xff"
		}
		t.Descend(before, visit)
	case p.after != "":
		t.Ascend(p.after+"\x00", visit)
	default:
		t.Ascend(prefix, visit)
	}
	return vals, next
}
