// Package paging is the List operations' paging: maxResults checks and opaque
// nextTokens bound to the listing's key prefix.
package paging

import (
	"encoding/base64"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Page describes one page of a List operation.
type Page struct {
	After string // store key the page starts after ("" for the first page)
	Limit int
}

// New validates maxResults (1..max, default def) and decodes nextToken. Tokens are
// opaque to callers: base64 of the last key returned, bound to the listing's key prefix
// so a token from one listing cannot be replayed against another.
func New(in ecs.ListInput, prefix string, def, max int) (Page, error) {
	p := Page{Limit: def}
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > max {
			return p, ecs.InvalidParameter("maxResults must be between 1 and %d.", max)
		}
		p.Limit = *in.MaxResults
	}
	if in.NextToken != nil && *in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || !strings.HasPrefix(string(raw), prefix) {
			return p, ecs.InvalidParameter("Invalid nextToken.")
		}
		p.After = string(raw)
	}
	return p, nil
}

// Token is the nextToken for a page that ended at key k.
func Token(k string) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte(k))
	return &t
}

// List walks t's rows under prefix from where p starts, keeping rows for which keep
// returns true, up to p.Limit; next is set when more kept rows may follow. With desc the
// walk goes backwards (p.After is then the key the previous page ended at).
func List[T any](t *store.Table[T], p Page, prefix string, desc bool, keep func(k string, v *T) bool) (vals []*T, next *string) {
	var last string
	visit := func(k string, v *T) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if !keep(k, v) {
			return true
		}
		if len(vals) == p.Limit {
			next = Token(last)
			return false
		}
		vals = append(vals, v)
		last = k
		return true
	}
	switch {
	case desc:
		before := p.After
		if before == "" {
			before = prefix + "\xff"
		}
		t.Descend(before, visit)
	case p.After != "":
		t.Ascend(p.After+"\x00", visit)
	default:
		t.Ascend(prefix, visit)
	}
	return vals, next
}
