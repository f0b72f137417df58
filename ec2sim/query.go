package ec2sim

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Expr is a parsed cluster query language expression (spec 4.7). Parse once and match many
// candidates: Match does not allocate.
type Expr struct {
	src     string
	root    node
	statics []*cond // conditions on static subjects, numbered by their slot
}

// node is one piece of the expression tree.
type node interface {
	match(c *Candidate) bool
	// matchBits is match with the static conditions' results taken from bits (bit i is
	// the result of the condition in slot i), so cached results need no map lookups.
	matchBits(c *Candidate, bits uint64) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ x node }

func (n andNode) match(c *Candidate) bool { return n.l.match(c) && n.r.match(c) }
func (n orNode) match(c *Candidate) bool  { return n.l.match(c) || n.r.match(c) }
func (n notNode) match(c *Candidate) bool { return !n.x.match(c) }

func (n andNode) matchBits(c *Candidate, b uint64) bool {
	return n.l.matchBits(c, b) && n.r.matchBits(c, b)
}
func (n orNode) matchBits(c *Candidate, b uint64) bool {
	return n.l.matchBits(c, b) || n.r.matchBits(c, b)
}
func (n notNode) matchBits(c *Candidate, b uint64) bool { return !n.x.matchBits(c, b) }

func (matchNothing) matchBits(*Candidate, uint64) bool { return false }

// staticBits evaluates the expression's static conditions on c: bit i holds slot i's result.
func (e *Expr) staticBits(c *Candidate) uint64 {
	var bits uint64
	for i, sc := range e.statics {
		if sc.match(c) {
			bits |= 1 << i
		}
	}
	return bits
}

// String returns the expression as it was written.
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return e.src
}

// ParseExpression parses a cluster query expression. Errors are ECS InvalidParameterException
// errors (*ecs.Error) that quote the expression and name the offending token.
//
// Grammar (and binds tighter than or; not binds tightest):
//
//	expr   = and { ("||" | "or") and }
//	and    = unary { ("&&" | "and") unary }
//	unary  = ("!" | "not") unary | "(" expr ")" | cond
//	cond   = subject op [value | "[" value { "," value } "]"]
func ParseExpression(s string) (*Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, ecs.InvalidParameter("Invalid cluster query expression: the expression is empty")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{src: s, toks: toks}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "unexpected %s after a complete expression", describe(t))
	}
	return &Expr{src: s, root: root, statics: p.statics}, nil
}

// Match reports whether the candidate satisfies the expression. A nil Expr matches everything.
func (e *Expr) Match(c *Candidate) bool {
	if e == nil || e.root == nil {
		return true
	}
	return e.root.match(c)
}

type parser struct {
	src     string
	toks    []token
	i       int
	statics []*cond
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) error {
	return queryError(p.src, t.pos, format, args...)
}

// isWord reports whether t is the given keyword (case-insensitive, unquoted).
func isWord(t token, words ...string) bool {
	if t.kind != tokWord {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) parseOr() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); (t.kind == tokOp && t.text == "||") || isWord(t, "or"); t = p.peek() {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); (t.kind == tokOp && t.text == "&&") || isWord(t, "and"); t = p.peek() {
		p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) parseUnary() (node, error) {
	t := p.peek()
	switch {
	case (t.kind == tokOp && t.text == "!") || isWord(t, "not"):
		p.next()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case t.kind == tokLParen:
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if r := p.next(); r.kind != tokRParen {
			return nil, p.errAt(r, "expected ')' to close the '(' at offset %d, found %s", t.pos, describe(r))
		}
		return x, nil
	}
	return p.parseCond()
}

// describe names a token for an error message.
func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the expression"
	case tokQuoted:
		return "value '" + t.text + "'"
	case tokOp:
		return "operator '" + t.text + "'"
	case tokWord:
		return "'" + t.text + "'"
	}
	return "'" + t.text + "'"
}
