package ec2sim

import (
	"strconv"
	"strings"
	"time"
)

func (c *cond) match(cand *Candidate) bool {
	switch c.subj {
	case subjAttribute:
		v, ok := cand.Attributes[c.attr]
		if isOrdering(c.op) {
			return ok && ordered(c.op, c.compareAttr(v))
		}
		return c.matchString(v, ok)
	case subjAgentConnected:
		v := "false"
		if cand.AgentConnected {
			v = "true"
		}
		return c.matchString(v, true)
	case subjEC2InstanceID:
		return c.matchString(cand.EC2InstanceID, cand.EC2InstanceID != "")
	case subjAgentVersion:
		if cand.AgentVersion == "" {
			return c.op == opNe
		}
		return ordered(c.op, compareVersions(cand.AgentVersion, c.values[0]))
	case subjRegisteredAt:
		if cand.RegisteredAt.IsZero() {
			return c.op == opNe
		}
		return ordered(c.op, c.compareTime(cand.RegisteredAt))
	case subjRunningTasks:
		return ordered(c.op, compareFloat(float64(cand.RunningTasks), c.num))
	case subjTaskGroup:
		return c.matchGroups(cand.Groups)
	}
	return false
}

func isOrdering(o op) bool { return o == opGt || o == opGe || o == opLt || o == opLe }

// ordered applies an ordering or equality operator to a three-way comparison result.
func ordered(o op, cmp int) bool {
	switch o {
	case opEq:
		return cmp == 0
	case opNe:
		return cmp != 0
	case opGt:
		return cmp > 0
	case opGe:
		return cmp >= 0
	case opLt:
		return cmp < 0
	case opLe:
		return cmp <= 0
	}
	return false
}

// matchString applies a string operator to a subject value; present is false when the
// subject is absent (an attribute the instance does not have). Negated operators match
// absent subjects: "attribute:stack != prod" selects instances without a stack attribute.
func (c *cond) matchString(v string, present bool) bool {
	switch c.op {
	case opExists:
		return present
	case opNotExists:
		return !present
	case opEq:
		return present && v == c.values[0]
	case opNe:
		return !present || v != c.values[0]
	case opIn:
		return present && inList(v, c.values)
	case opNotIn:
		return !present || !inList(v, c.values)
	case opMatch:
		return present && c.re.MatchString(v)
	case opNotMatch:
		return !present || !c.re.MatchString(v)
	}
	return false
}

func inList(v string, list []string) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// compareAttr orders an attribute value against the argument: numerically when both are
// numbers (so "10" > "9"), else as strings.
func (c *cond) compareAttr(v string) int {
	if c.numOK {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return compareFloat(f, c.num)
		}
	}
	return strings.Compare(v, c.values[0])
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareTime orders a registration time against the argument: by UTC day for a bare date
// (so "registeredAt == 2018-06-18" means that day), else to the second, the precision of
// the accepted formats.
func (c *cond) compareTime(t time.Time) int {
	if c.dayOnly {
		y, m, d := t.UTC().Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return day.Compare(c.at)
	}
	return t.Truncate(time.Second).Compare(c.at)
}

func (c *cond) matchGroups(groups map[string]int) bool {
	anyGroup := func(pred func(string) bool) bool {
		for g, n := range groups {
			if n > 0 && pred(g) {
				return true
			}
		}
		return false
	}
	switch c.op {
	case opEq:
		return groups[c.values[0]] > 0
	case opNe:
		return groups[c.values[0]] <= 0
	case opIn, opNotIn:
		found := false
		for _, g := range c.values {
			if groups[g] > 0 {
				found = true
				break
			}
		}
		return found == (c.op == opIn)
	case opMatch:
		return anyGroup(c.re.MatchString)
	case opNotMatch:
		return !anyGroup(c.re.MatchString)
	case opExists:
		return anyGroup(func(string) bool { return true })
	case opNotExists:
		return !anyGroup(func(string) bool { return true })
	}
	return false
}

// validVersion accepts dotted numeric versions with an optional leading "v" ("1.14.5").
func validVersion(s string) bool {
	s = strings.TrimPrefix(s, "v")
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// compareVersions orders dotted versions numerically segment by segment ("1.9" < "1.14"),
// missing segments counting as zero; it walks the strings without allocating. Anything after
// the numeric part of a segment (a "-beta" suffix) is ignored.
func compareVersions(a, b string) int {
	a, b = strings.TrimPrefix(a, "v"), strings.TrimPrefix(b, "v")
	for a != "" || b != "" {
		var x, y int
		x, a = versionSegment(a)
		y, b = versionSegment(b)
		if x != y {
			return compareFloat(float64(x), float64(y))
		}
	}
	return 0
}

// versionSegment returns the leading number of s and what follows the next dot.
func versionSegment(s string) (int, string) {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1<<40 {
			n = n*10 + int(s[i]-'0')
		}
	}
	if dot := strings.IndexByte(s[i:], '.'); dot >= 0 {
		return n, s[i+dot+1:]
	}
	return n, ""
}
