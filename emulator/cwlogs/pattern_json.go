package cwlogs

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// jsonPattern matches events whose message is a JSON object satisfying an expression.
type jsonPattern struct{ expr jsonExpr }

func (p jsonPattern) match(msg string) bool {
	var doc any
	if json.Unmarshal([]byte(msg), &doc) != nil {
		return false
	}
	return p.expr.eval(doc)
}

type jsonExpr interface{ eval(doc any) bool }

type andExpr struct{ l, r jsonExpr }

func (e andExpr) eval(doc any) bool { return e.l.eval(doc) && e.r.eval(doc) }

type orExpr struct{ l, r jsonExpr }

func (e orExpr) eval(doc any) bool { return e.l.eval(doc) || e.r.eval(doc) }

// step is one selector step: a member name, or an index when name is "".
type step struct {
	name  string
	index int
}

// comparison is selector op value.
type comparison struct {
	path []step
	op   string // = != < > <= >= IS NOT
	str  *string
	glob *regexp.Regexp // a string value with * wildcards, or a %regex%
	num  *float64
	kw   string // TRUE FALSE NULL for IS; EXISTS for NOT
}

func (c comparison) eval(doc any) bool {
	v, found := lookup(doc, c.path)
	switch c.op {
	case "IS":
		switch c.kw {
		case "NULL":
			return found && v == nil
		case "TRUE", "FALSE":
			b, ok := v.(bool)
			return found && ok && b == (c.kw == "TRUE")
		}
		return false
	case "NOT":
		return !found
	}
	if !found || v == nil {
		return false
	}
	if c.num != nil {
		f, ok := v.(float64)
		if !ok {
			return false
		}
		return compareNumbers(c.op, f, *c.num)
	}
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case float64:
		s = strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(t)
	default:
		return false
	}
	eq := c.glob.MatchString(s)
	if c.op == "!=" {
		return !eq
	}
	return eq
}

func lookup(doc any, path []step) (any, bool) {
	cur := doc
	for _, st := range path {
		if st.name != "" {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[st.name]; !ok {
				return nil, false
			}
			continue
		}
		a, ok := cur.([]any)
		if !ok || st.index < 0 || st.index >= len(a) {
			return nil, false
		}
		cur = a[st.index]
	}
	return cur, true
}

// jsonParser is a recursive-descent parser over the pattern text.
type jsonParser struct {
	src string
	pos int
}

func compileJSONPattern(src string) (pattern, error) {
	p := &jsonParser{src: src}
	if !p.eat("{") {
		return nil, invalidPattern("a JSON pattern starts with {")
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if !p.eat("}") {
		return nil, invalidPattern("expected } at position " + strconv.Itoa(p.pos))
	}
	if p.skip(); p.pos != len(p.src) {
		return nil, invalidPattern("unexpected text after }")
	}
	return jsonPattern{e}, nil
}

func (p *jsonParser) skip() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *jsonParser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *jsonParser) or() (jsonExpr, error) {
	l, err := p.and()
	for err == nil && p.eat("||") {
		var r jsonExpr
		if r, err = p.and(); err == nil {
			l = orExpr{l, r}
		}
	}
	return l, err
}

func (p *jsonParser) and() (jsonExpr, error) {
	l, err := p.unary()
	for err == nil && p.eat("&&") {
		var r jsonExpr
		if r, err = p.unary(); err == nil {
			l = andExpr{l, r}
		}
	}
	return l, err
}

func (p *jsonParser) unary() (jsonExpr, error) {
	if p.eat("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, invalidPattern("expected ) at position " + strconv.Itoa(p.pos))
		}
		return e, nil
	}
	return p.comparison()
}

var identRE = regexp.MustCompile(`^[A-Za-z0-9_@\-]+`)

func (p *jsonParser) comparison() (jsonExpr, error) {
	if !p.eat("$") {
		return nil, invalidPattern("expected a selector ($.field) at position " + strconv.Itoa(p.pos))
	}
	var c comparison
	for {
		if strings.HasPrefix(p.src[p.pos:], ".") {
			p.pos++
			id := identRE.FindString(p.src[p.pos:])
			if id == "" {
				return nil, invalidPattern("expected a field name at position " + strconv.Itoa(p.pos))
			}
			c.path, p.pos = append(c.path, step{name: id}), p.pos+len(id)
			continue
		}
		if strings.HasPrefix(p.src[p.pos:], "[") {
			end := strings.IndexByte(p.src[p.pos:], ']')
			n, err := strconv.Atoi(p.src[p.pos+1 : p.pos+max(end, 1)])
			if end < 0 || err != nil {
				return nil, invalidPattern("expected an array index at position " + strconv.Itoa(p.pos))
			}
			c.path, p.pos = append(c.path, step{index: n}), p.pos+end+1
			continue
		}
		break
	}
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">", "IS", "NOT"} {
		if p.eat(op) {
			c.op = op
			break
		}
	}
	switch c.op {
	case "":
		return nil, invalidPattern("expected an operator at position " + strconv.Itoa(p.pos))
	case "IS":
		for _, kw := range []string{"TRUE", "FALSE", "NULL"} {
			if p.eat(kw) {
				c.kw = kw
				return c, nil
			}
		}
		return nil, invalidPattern("IS takes TRUE, FALSE or NULL")
	case "NOT":
		if !p.eat("EXISTS") {
			return nil, invalidPattern("NOT takes EXISTS")
		}
		return c, nil
	}
	return c, p.value(&c)
}

// value reads the right-hand side: a quoted string, %regex%, a number or a bare word.
func (p *jsonParser) value(c *comparison) error {
	p.skip()
	rest := p.src[p.pos:]
	var s string
	switch {
	case strings.HasPrefix(rest, `"`):
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return invalidPattern("unterminated string")
		}
		s, p.pos = rest[1:end+1], p.pos+end+2
	case strings.HasPrefix(rest, "%"):
		end := strings.IndexByte(rest[1:], '%')
		if end < 0 {
			return invalidPattern("unterminated %regex%")
		}
		re, err := regexp.Compile(rest[1 : end+1])
		if err != nil {
			return invalidPattern(err.Error())
		}
		if c.op != "=" && c.op != "!=" {
			return invalidPattern("a %regex% compares with = or !=")
		}
		c.glob, p.pos = re, p.pos+end+2
		return nil
	default:
		n := strings.IndexAny(rest, " \t)}&|")
		if n < 0 {
			n = len(rest)
		}
		s, p.pos = rest[:n], p.pos+n
		if s == "" {
			return invalidPattern("expected a value at position " + strconv.Itoa(p.pos))
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			c.num = &f
			return nil
		}
	}
	if c.op != "=" && c.op != "!=" {
		return invalidPattern("strings compare with = or !=")
	}
	c.str = &s
	c.glob = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(s), `\*`, ".*") + "$")
	return nil
}
