package cwlogs

import (
	"regexp"
	"strconv"
	"strings"
)

// spacePattern matches space-delimited events, such as access logs:
// [ip, user, ..., status_code = 4*, bytes > 1000]. An event splits into fields at
// spaces, text in "quotes" or [brackets] being one field; "..." stands for any number of
// fields; without it the event must have exactly as many fields as the pattern. A
// field may carry conditions joined by && or ||.
type spacePattern struct{ fields []spaceField }

type spaceField struct {
	ellipsis bool
	conds    []spaceCond // joined by ors: conds[i].or means "|| conds[i]"
}

type spaceCond struct {
	or   bool // joined to the one before by || (else &&)
	op   string
	num  *float64
	glob *regexp.Regexp
}

func (c spaceCond) match(v string) bool {
	if c.num != nil {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		return compareNumbers(c.op, f, *c.num)
	}
	eq := c.glob.MatchString(v)
	if c.op == "!=" {
		return !eq
	}
	return eq
}

func (f spaceField) match(v string) bool {
	if len(f.conds) == 0 {
		return true
	}
	ok := f.conds[0].match(v)
	for _, c := range f.conds[1:] {
		if c.or {
			ok = ok || c.match(v)
		} else {
			ok = ok && c.match(v)
		}
	}
	return ok
}

func (p spacePattern) match(msg string) bool {
	return matchFields(p.fields, splitFields(msg))
}

func matchFields(pat []spaceField, vals []string) bool {
	if len(pat) == 0 {
		return len(vals) == 0
	}
	if pat[0].ellipsis {
		for i := 0; i <= len(vals); i++ {
			if matchFields(pat[1:], vals[i:]) {
				return true
			}
		}
		return false
	}
	return len(vals) > 0 && pat[0].match(vals[0]) && matchFields(pat[1:], vals[1:])
}

// splitFields splits an event at spaces, keeping "quoted" and [bracketed] text whole
// (without its quotes or brackets).
func splitFields(msg string) []string {
	var out []string
	for i := 0; i < len(msg); {
		switch msg[i] {
		case ' ', '\t':
			i++
			continue
		case '"', '[':
			end := byte('"')
			if msg[i] == '[' {
				end = ']'
			}
			if j := strings.IndexByte(msg[i+1:], end); j >= 0 {
				out, i = append(out, msg[i+1:i+1+j]), i+j+2
				continue
			}
		}
		j := strings.IndexAny(msg[i:], " \t")
		if j < 0 {
			j = len(msg) - i
		}
		out, i = append(out, msg[i:i+j]), i+j
	}
	return out
}

var spaceCondRE = regexp.MustCompile(`^\s*([A-Za-z0-9_$.-]+)\s*(!=|<=|>=|=|<|>)\s*("(?:[^"]*)"|[^\s&|]+)\s*`)

// compileSpacePattern parses [field, field op value, ..., field op value && field op value].
func compileSpacePattern(p string) (pattern, error) {
	if !strings.HasSuffix(p, "]") {
		return nil, invalidPattern("a space-delimited pattern ends with ]")
	}
	var sp spacePattern
	for _, part := range strings.Split(p[1:len(p)-1], ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			return nil, invalidPattern("empty field in " + p)
		case part == "...":
			sp.fields = append(sp.fields, spaceField{ellipsis: true})
			continue
		case !strings.ContainsAny(part, "=<>"):
			if strings.ContainsAny(part, " \t\"") {
				return nil, invalidPattern("field " + part + " is not a name")
			}
			sp.fields = append(sp.fields, spaceField{})
			continue
		}
		var f spaceField
		rest, or := part, false
		for rest != "" {
			m := spaceCondRE.FindStringSubmatch(rest)
			if m == nil {
				return nil, invalidPattern("cannot read the condition " + rest)
			}
			c := spaceCond{or: or, op: m[2]}
			v := m[3]
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				c.num = &n
			} else {
				if c.op != "=" && c.op != "!=" {
					return nil, invalidPattern("strings compare with = or !=")
				}
				v = strings.Trim(v, `"`)
				c.glob = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(v), `\*`, ".*") + "$")
			}
			f.conds = append(f.conds, c)
			rest = rest[len(m[0]):]
			switch {
			case strings.HasPrefix(rest, "&&"):
				rest, or = rest[2:], false
			case strings.HasPrefix(rest, "||"):
				rest, or = rest[2:], true
			case rest != "":
				return nil, invalidPattern("cannot read " + rest)
			}
		}
		sp.fields = append(sp.fields, f)
	}
	return sp, nil
}

// compareNumbers applies a filter pattern's numeric comparison (=, !=, <, >, <=, >=),
// shared by JSON and space-delimited patterns; an unknown operator matches nothing.
func compareNumbers(op string, f, n float64) bool {
	switch op {
	case "=":
		return f == n
	case "!=":
		return f != n
	case "<":
		return f < n
	case ">":
		return f > n
	case "<=":
		return f <= n
	case ">=":
		return f >= n
	}
	return false
}
