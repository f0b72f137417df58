package ec2sim

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// tokKind classifies a token of the cluster query language.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokWord           // subject, word operator, value
	tokQuoted         // 'value' or "value": never an operator
	tokOp             // ==, !=, >, >=, <, <=, =~, !~, &&, ||, !
	tokLParen
	tokRParen
	tokLBracket
	tokRBracket
	tokComma
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset, for error messages
}

// symbolOps are the operators spelled with symbols, longest first so "==" wins over "=".
var symbolOps = []string{"==", "!=", ">=", "<=", "=~", "!~", "&&", "||", ">", "<", "!"}

// lex splits an expression into tokens. A word runs until white space, a bracket, a comma
// or a two-character operator, so values such as "t2.*", "service:web" and
// "2018-06-18T22:28:28+00:00" stay whole without quoting.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == '[' || c == ']' || c == ',':
			toks = append(toks, token{kind: punctKind(c), text: string(c), pos: i})
			i++
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, queryError(s, i, "unterminated quoted value %s", s[i:])
			}
			toks = append(toks, token{kind: tokQuoted, text: s[i+1 : i+1+end], pos: i})
			i += end + 2
		default:
			if op := symbolAt(s, i); op != "" {
				toks = append(toks, token{kind: tokOp, text: op, pos: i})
				i += len(op)
				continue
			}
			if c == '=' || c == '&' || c == '|' {
				return nil, queryError(s, i, "unknown operator %q", string(c))
			}
			start := i
			for i < len(s) && !wordEnds(s, i) {
				i++
			}
			toks = append(toks, token{kind: tokWord, text: s[start:i], pos: start})
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

func punctKind(c byte) tokKind {
	switch c {
	case '(':
		return tokLParen
	case ')':
		return tokRParen
	case '[':
		return tokLBracket
	case ']':
		return tokRBracket
	}
	return tokComma
}

// symbolAt returns the symbol operator starting at s[i], if any.
func symbolAt(s string, i int) string {
	for _, op := range symbolOps {
		if strings.HasPrefix(s[i:], op) {
			return op
		}
	}
	return ""
}

// wordEnds reports whether a word stops before s[i]. Single '<', '>', '!', '|' and '='
// may appear inside a word (regular expressions need '|'); only the two-character
// operators and the punctuation end it.
func wordEnds(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '(', ')', '[', ']', ',':
		return true
	}
	if i+1 < len(s) {
		switch s[i : i+2] {
		case "==", "!=", ">=", "<=", "=~", "!~", "&&", "||":
			return true
		}
	}
	return false
}

// queryError is the InvalidParameterException for a bad expression; it quotes the
// expression and points at the offending position so the user can find the bad token.
func queryError(expr string, pos int, format string, args ...any) *ecs.Error {
	return ecs.InvalidParameter("Invalid cluster query expression %q: %s (at offset %d)",
		expr, fmt.Sprintf(format, args...), pos)
}
