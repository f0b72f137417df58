package ec2sim

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// subject is what a simple expression tests.
type subject int

const (
	subjAgentConnected subject = iota
	subjAgentVersion
	subjAttribute
	subjEC2InstanceID
	subjRegisteredAt
	subjRunningTasks
	subjTaskGroup
)

// op is a comparison operator of the query language.
type op int

const (
	opEq op = iota
	opNe
	opGt
	opGe
	opLt
	opLe
	opExists
	opNotExists
	opIn
	opNotIn
	opMatch
	opNotMatch
)

// opNames maps every spelling to its operator; word operators are matched case-insensitively.
var opNames = map[string]op{
	"==": opEq, "equals": opEq, "!=": opNe, "not_equals": opNe,
	">": opGt, "greater_than": opGt, ">=": opGe, "greater_than_equal": opGe,
	"<": opLt, "less_than": opLt, "<=": opLe, "less_than_equal": opLe,
	"exists": opExists, "!exists": opNotExists, "not_exists": opNotExists,
	"in": opIn, "!in": opNotIn, "not_in": opNotIn,
	"=~": opMatch, "matches": opMatch, "!~": opNotMatch, "not_matches": opNotMatch,
}

// allowed lists the operators each subject accepts (spec 4.7); attribute:NAME accepts all.
var allowed = map[subject][]op{
	subjAgentConnected: {opEq, opNe, opIn, opNotIn, opMatch, opNotMatch},
	subjAgentVersion:   {opEq, opNe, opGt, opGe, opLt, opLe},
	subjEC2InstanceID:  {opEq, opNe, opIn, opNotIn, opMatch, opNotMatch},
	subjRegisteredAt:   {opEq, opNe, opGt, opGe, opLt, opLe},
	subjRunningTasks:   {opEq, opNe, opGt, opGe, opLt, opLe},
	subjTaskGroup:      {opEq, opNe, opIn, opNotIn, opMatch, opNotMatch, opExists, opNotExists},
}

// cond is one "subject operator argument" test with its argument pre-parsed, so matching a
// candidate neither parses nor allocates.
type cond struct {
	subj    subject
	attr    string // attribute name for attribute:NAME
	op      op
	values  []string // the argument; one element except for in/not_in
	re      *regexp.Regexp
	num     float64 // numeric argument (runningTasksCount; attributes when numeric)
	numOK   bool
	at      time.Time // registeredAt argument
	dayOnly bool      // registeredAt argument was a bare date: compare whole days
	slot    int       // bit in Expr.staticBits for a static subject, else -1
}

// static reports whether the condition depends only on what an instance keeps for its
// life (attributes, EC2 instance id, registration time), so a Placer may cache its result.
func (c *cond) static() bool {
	return c.subj == subjAttribute || c.subj == subjEC2InstanceID || c.subj == subjRegisteredAt
}

func (c *cond) matchBits(cand *Candidate, bits uint64) bool {
	if c.slot >= 0 {
		return bits&(1<<c.slot) != 0
	}
	return c.match(cand)
}

func (p *parser) parseCond() (node, error) {
	st := p.next()
	if st.kind != tokWord {
		return nil, p.errAt(st, "expected a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), found %s", describe(st))
	}
	c := &cond{}
	switch {
	case st.text == "agentConnected":
		c.subj = subjAgentConnected
	case st.text == "agentVersion":
		c.subj = subjAgentVersion
	case st.text == "ec2InstanceId":
		c.subj = subjEC2InstanceID
	case st.text == "registeredAt":
		c.subj = subjRegisteredAt
	case st.text == "runningTasksCount":
		c.subj = subjRunningTasks
	case st.text == "task:group":
		c.subj = subjTaskGroup
	case strings.HasPrefix(st.text, "attribute:") && len(st.text) > len("attribute:"):
		c.subj, c.attr = subjAttribute, st.text[len("attribute:"):]
	default:
		return nil, p.errAt(st, "unknown subject '%s'; expected agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount or task:group", st.text)
	}
	ot := p.next()
	name := ot.text
	if ot.kind == tokOp && ot.text == "!" && (isWord(p.peek(), "exists") || isWord(p.peek(), "in")) {
		name = "!" + strings.ToLower(p.next().text)
	} else if ot.kind == tokWord {
		name = strings.ToLower(ot.text)
	} else if ot.kind != tokOp {
		return nil, p.errAt(ot, "expected an operator after '%s', found %s", st.text, describe(ot))
	}
	o, ok := opNames[name]
	if !ok {
		return nil, p.errAt(ot, "unknown operator '%s' after '%s'", ot.text, st.text)
	}
	if c.subj != subjAttribute && !contains(allowed[c.subj], o) {
		return nil, p.errAt(ot, "operator '%s' is not supported for subject '%s'", name, st.text)
	}
	c.op = o
	if err := p.parseArgument(c, st, ot); err != nil {
		return nil, err
	}
	c.slot = -1
	if c.static() && len(p.statics) < 64 {
		c.slot = len(p.statics)
		p.statics = append(p.statics, c)
	}
	return c, nil
}

func contains(ops []op, o op) bool {
	for _, x := range ops {
		if x == o {
			return true
		}
	}
	return false
}

// parseArgument reads and pre-parses the operator's argument.
func (p *parser) parseArgument(c *cond, st, ot token) error {
	switch c.op {
	case opExists, opNotExists:
		return nil
	case opIn, opNotIn:
		lb := p.next()
		if lb.kind != tokLBracket {
			return p.errAt(lb, "expected a list [a, b, ...] after '%s', found %s", ot.text, describe(lb))
		}
		for {
			v := p.next()
			if v.kind != tokWord && v.kind != tokQuoted {
				return p.errAt(v, "expected a value in the list after '%s', found %s", ot.text, describe(v))
			}
			if err := p.checkValue(c, st, v); err != nil {
				return err
			}
			c.values = append(c.values, v.text)
			sep := p.next()
			if sep.kind == tokRBracket {
				return nil
			}
			if sep.kind != tokComma {
				return p.errAt(sep, "expected ',' or ']' in the list, found %s", describe(sep))
			}
		}
	}
	if c.op == opMatch || c.op == opNotMatch {
		if err := p.rawValue(); err != nil {
			return err
		}
	}
	v := p.next()
	if v.kind != tokWord && v.kind != tokQuoted {
		return p.errAt(v, "expected a value after '%s %s', found %s", st.text, ot.text, describe(v))
	}
	c.values = []string{v.text}
	if c.op == opMatch || c.op == opNotMatch {
		// Java's Pattern.matches semantics: the whole value must match.
		re, err := regexp.Compile("^(?:" + v.text + ")$")
		if err != nil {
			return p.errAt(v, "invalid regular expression '%s': %v", v.text, err)
		}
		c.re = re
		return nil
	}
	if err := p.checkValue(c, st, v); err != nil {
		return err
	}
	switch c.subj {
	case subjRunningTasks:
		n, _ := strconv.Atoi(v.text)
		c.num, c.numOK = float64(n), true
	case subjAttribute:
		if f, err := strconv.ParseFloat(v.text, 64); err == nil {
			c.num, c.numOK = f, true
		}
	case subjRegisteredAt:
		c.at, c.dayOnly, _ = parseQueryTime(v.text)
	}
	return nil
}

// checkValue rejects arguments that can never make sense for the subject, so typos fail
// at registration instead of silently matching nothing.
func (p *parser) checkValue(c *cond, st, v token) error {
	switch c.subj {
	case subjAgentConnected:
		if v.text != "true" && v.text != "false" {
			return p.errAt(v, "'%s' needs true or false, found '%s'", st.text, v.text)
		}
	case subjRunningTasks:
		if _, err := strconv.Atoi(v.text); err != nil {
			return p.errAt(v, "'%s' needs a whole number, found '%s'", st.text, v.text)
		}
	case subjAgentVersion:
		if !validVersion(v.text) {
			return p.errAt(v, "'%s' needs a version such as 1.14.5, found '%s'", st.text, v.text)
		}
	case subjRegisteredAt:
		if _, _, ok := parseQueryTime(v.text); !ok {
			return p.errAt(v, "'%s' needs a date such as 2018-06-18, 2018-06-18T22:28:28, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00, found '%s'", st.text, v.text)
		}
	}
	return nil
}

// parseQueryTime accepts the date formats spec 4.7 lists; a bare date is a whole UTC day.
func parseQueryTime(s string) (t time.Time, dayOnly, ok bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, false, true
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// rawValue turns an unquoted regular expression into one word token: it may contain
// parentheses, brackets and operator characters ("t2.(small|medium)"), which the lexer
// would split. The value runs to white space or an unbalanced ')' outside any group; the
// rest of the source is lexed again after it.
func (p *parser) rawValue() error {
	t := p.peek()
	if t.kind == tokQuoted || t.kind == tokEOF {
		return nil
	}
	depth, i := 0, t.pos
scan:
	for ; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case '(', '[':
			depth++
		case ')', ']':
			if depth == 0 {
				break scan
			}
			depth--
		case ' ', '\t', '\n', '\r':
			if depth == 0 {
				break scan
			}
		}
	}
	end := min(i, len(p.src))
	if end == t.pos {
		return nil
	}
	rest, err := lex(p.src[end:])
	if err != nil {
		return err
	}
	for j := range rest {
		rest[j].pos += end
	}
	p.toks = append(p.toks[:p.i], token{kind: tokWord, text: p.src[t.pos:end], pos: t.pos})
	p.toks = append(p.toks, rest...)
	return nil
}
