package composeimport

import (
	"encoding/json"
	"fmt"
)

// Clean encodes v as JSON without null values and empty lists and objects, which the
// ECS types carry for their own answers but the AWS CLI's --cli-input-json does not
// need (and some of which it rejects).
func Clean(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	out, err := json.Marshal(prune(tree))
	if err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	return out, nil
}

// prune drops nulls and empty containers, deepest first; it returns nil for a value
// that is itself empty.
func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if p := prune(e); p == nil {
				delete(t, k)
			} else {
				t[k] = p
			}
		}
		if len(t) == 0 {
			return nil
		}
		return t
	case []any:
		out := t[:0]
		for _, e := range t {
			if p := prune(e); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}
