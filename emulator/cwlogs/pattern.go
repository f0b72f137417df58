package cwlogs

import (
	"regexp"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A pattern decides which events FilterLogEvents returns. ecsmini reads the filter
// pattern syntax of CloudWatch Logs:
//
//   - "" matches every event;
//   - terms: ERROR Exception (every term, case-sensitive), "quoted phrases", -term
//     (must not appear), ?term (at least one of the ?terms must appear);
//   - %regex% (Go's RE2 syntax, a superset of what CloudWatch accepts);
//   - JSON patterns on events that are JSON objects: { $.level = "error" },
//     { $.latency > 100 }, { $.user.id != 1 && ($.a = "x*" || $.b IS TRUE) },
//     IS NULL, NOT EXISTS, array indexes ($.items[0].id) and %regex% values;
//   - space-delimited patterns: [ip, user, ..., status_code = 4*, bytes > 1000]
//     (see spacePattern).
type pattern interface{ match(msg string) bool }

type matchAll struct{}

func (matchAll) match(string) bool { return true }

type regexPattern struct{ re *regexp.Regexp }

func (p regexPattern) match(msg string) bool { return p.re.MatchString(msg) }

type termPattern struct{ required, excluded, optional []string }

func (p termPattern) match(msg string) bool {
	for _, t := range p.required {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.excluded {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.optional) == 0 {
		return true
	}
	for _, t := range p.optional {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}

func invalidPattern(why string) error {
	return ecs.InvalidParameter("Invalid filter pattern: %s", why)
}

// compilePattern parses a filter pattern.
func compilePattern(src string) (pattern, error) {
	p := strings.TrimSpace(src)
	switch {
	case p == "":
		return matchAll{}, nil
	case strings.HasPrefix(p, "{"):
		return compileJSONPattern(p)
	case strings.HasPrefix(p, "["):
		return compileSpacePattern(p)
	case len(p) >= 2 && p[0] == '%' && p[len(p)-1] == '%':
		re, err := regexp.Compile(p[1 : len(p)-1])
		if err != nil {
			return nil, invalidPattern(err.Error())
		}
		return regexPattern{re}, nil
	}
	return compileTerms(p)
}

// compileTerms splits a text pattern into its terms and quoted phrases.
func compileTerms(p string) (pattern, error) {
	var tp termPattern
	for i := 0; i < len(p); {
		if p[i] == ' ' || p[i] == '\t' {
			i++
			continue
		}
		kind := byte(0)
		if p[i] == '-' || p[i] == '?' {
			kind = p[i]
			i++
		}
		var term string
		if i < len(p) && p[i] == '"' {
			var b strings.Builder
			j := i + 1
			for ; j < len(p) && p[j] != '"'; j++ {
				if p[j] == '\\' && j+1 < len(p) {
					j++
				}
				b.WriteByte(p[j])
			}
			if j == len(p) {
				return nil, invalidPattern("unterminated quoted term")
			}
			term, i = b.String(), j+1
		} else {
			j := i
			for j < len(p) && p[j] != ' ' && p[j] != '\t' {
				j++
			}
			term, i = p[i:j], j
		}
		if term == "" {
			return nil, invalidPattern("empty term")
		}
		switch kind {
		case '-':
			tp.excluded = append(tp.excluded, term)
		case '?':
			tp.optional = append(tp.optional, term)
		default:
			tp.required = append(tp.required, term)
		}
	}
	return tp, nil
}
