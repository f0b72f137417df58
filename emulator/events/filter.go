package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// FilterHelp documents filter expressions for command help.
const FilterHelp = `A filter is KEY=VALUE:
  detail-type=TYPE     the detail type is TYPE (e.g. "ECS Task State Change")
  source=SOURCE        the source is SOURCE (aws.ecs, aws.health)
  region=R, account=A  the event's region or account
  resource=TEXT        one of the event's resources contains TEXT (a name, ID or ARN)
  detail.PATH=VALUE    the detail field at PATH (dot-separated; through arrays, any
                       element) is VALUE: strings compare as text, numbers, booleans
                       and null as JSON (detail.lastStatus=STOPPED, detail.version=3,
                       detail.containers.exitCode=1)
Filters with the same KEY are alternatives; filters with different keys must all match.`

// Filter selects events by the conditions of FilterHelp. The zero Filter selects every
// event. A Filter is immutable and safe to share.
type Filter struct {
	keys  []string            // in the order first given
	conds map[string][]string // key → accepted values
}

// ParseFilter reads KEY=VALUE expressions (FilterHelp). A value may be wrapped in
// double quotes, as in detail-type="ECS Task State Change".
func ParseFilter(exprs []string) (Filter, error) {
	f := Filter{conds: map[string][]string{}}
	for _, e := range exprs {
		k, v, ok := strings.Cut(e, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return Filter{}, fmt.Errorf("filter %q: want KEY=VALUE", e)
		}
		switch {
		case k == "detail-type", k == "source", k == "region", k == "account", k == "resource":
		case strings.HasPrefix(k, "detail.") && len(k) > len("detail.") && !strings.Contains(k, ".."):
		default:
			return Filter{}, fmt.Errorf("filter %q: unknown key %q (detail-type, source, region, account, resource or detail.PATH)", e, k)
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		if _, seen := f.conds[k]; !seen {
			f.keys = append(f.keys, k)
		}
		f.conds[k] = append(f.conds[k], v)
	}
	return f, nil
}

// Empty reports whether f selects every event.
func (f Filter) Empty() bool { return len(f.keys) == 0 }

// Strings returns f's expressions, as ParseFilter reads them.
func (f Filter) Strings() []string {
	var out []string
	for _, k := range f.keys {
		for _, v := range f.conds[k] {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// Match reports whether f selects ev.
func (f Filter) Match(ev Event) bool {
	p := probe{ev: &ev}
	return f.match(&p)
}

// probe reads an event's detail for filters: the top level is decoded at most once,
// however many filters look into it, and deeper levels only along a filter's path.
type probe struct {
	ev      *Event
	top     map[string]json.RawMessage
	decoded bool
}

func (p *probe) detail() map[string]json.RawMessage {
	if !p.decoded {
		p.decoded = true
		if json.Unmarshal(p.ev.Detail, &p.top) != nil {
			p.top = nil
		}
	}
	return p.top
}

func (f Filter) match(p *probe) bool {
	for _, k := range f.keys {
		if !slices.ContainsFunc(f.conds[k], func(v string) bool { return p.holds(k, v) }) {
			return false
		}
	}
	return true
}

func (p *probe) holds(key, want string) bool {
	ev := p.ev
	switch key {
	case "detail-type":
		return ev.DetailType == want
	case "source":
		return ev.Source == want
	case "region":
		return ev.Region == want
	case "account":
		return ev.Account == want
	case "resource":
		return slices.ContainsFunc(ev.Resources, func(r string) bool { return strings.Contains(r, want) })
	}
	path := strings.Split(strings.TrimPrefix(key, "detail."), ".")
	v, ok := p.detail()[path[0]]
	return ok && pathHolds(v, path[1:], want)
}

// pathHolds follows path into the JSON value raw; arrays on the way (or at the end)
// match when any element does.
func pathHolds(raw json.RawMessage, path []string, want string) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return false
		}
		return slices.ContainsFunc(arr, func(x json.RawMessage) bool { return pathHolds(x, path, want) })
	case '{':
		if len(path) == 0 {
			return false // an object is no value
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return false
		}
		next, ok := m[path[0]]
		return ok && pathHolds(next, path[1:], want)
	case '"':
		var s string
		return len(path) == 0 && json.Unmarshal(raw, &s) == nil && s == want
	}
	// A number, true, false or null: compared as its JSON text.
	return len(path) == 0 && string(bytes.TrimRight(raw, " \t\r\n")) == want
}
