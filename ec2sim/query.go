package ec2sim

// Expr is a parsed cluster query language expression (spec 4.7).
type Expr struct {
	root node
}

type node interface{ match(c *Candidate) bool }

// ParseExpression parses a cluster query expression.
func ParseExpression(s string) (*Expr, error) {
	return &Expr{}, nil
}

// Match reports whether the candidate satisfies the expression.
func (e *Expr) Match(c *Candidate) bool {
	if e == nil || e.root == nil {
		return true
	}
	return e.root.match(c)
}
