package ec2sim

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Limits on placement rules (spec 4.4, 4.6). ECS's API text says 4 strategies per service
// while the console allows 5; ecsmini accepts 5 so nothing the console builds is refused.
const (
	MaxStrategies  = 5
	MaxConstraints = 10
)

// Strategy and constraint type names as they appear on the wire.
const (
	StrategyBinpack            = "binpack"
	StrategySpread             = "spread"
	StrategyRandom             = "random"
	ConstraintDistinctInstance = "distinctInstance"
	ConstraintMemberOf         = "memberOf"
)

// ValidatePlacement checks strategies and constraints the way RunTask, CreateService and
// UpdateService do, returning an InvalidParameterException (*ecs.Error) for the first
// problem. Constraints from a task definition count towards the limit of 10, so callers pass
// them together with the request's.
func ValidatePlacement(strategies []ecs.PlacementStrategy, constraints []ecs.PlacementConstraint) error {
	if len(strategies) > MaxStrategies {
		return ecs.InvalidParameter("The number of placement strategies (%d) exceeds the limit of %d.", len(strategies), MaxStrategies)
	}
	for _, s := range strategies {
		if _, err := compileStrategy(s); err != nil {
			return err
		}
	}
	if len(constraints) > MaxConstraints {
		return ecs.InvalidParameter("The number of placement constraints (%d) exceeds the limit of %d.", len(constraints), MaxConstraints)
	}
	for _, c := range constraints {
		switch c.Type {
		case ConstraintDistinctInstance:
			if c.Expression != "" {
				// ECS's own wording (seen in client bug reports).
				return ecs.InvalidParameter("distinctInstance expression should not be specified.")
			}
		case ConstraintMemberOf:
			if strings.TrimSpace(c.Expression) == "" {
				return ecs.InvalidParameter("The memberOf placement constraint requires an expression.")
			}
			if _, err := ParseExpression(c.Expression); err != nil {
				return err
			}
		default:
			return ecs.InvalidParameter("Invalid placement constraint type %q. Valid types are distinctInstance and memberOf.", c.Type)
		}
	}
	return nil
}

// stratKind is a strategy resolved to what Place computes.
type stratKind int

const (
	stratBinpackCPU stratKind = iota
	stratBinpackMemory
	stratSpreadInstance
	stratSpreadAttribute
	stratRandom
)

type strategy struct {
	kind stratKind
	attr string // attribute name for stratSpreadAttribute
	k    int    // which of the Placer's spread attributes (stratSpreadAttribute)
}

// compileStrategy resolves a wire strategy. binpack fields and the instanceId/host spread
// fields are accepted in any case (the API reference spells them CPU and MEMORY, the guide's
// examples cpu and memory); random ignores its field, as ECS does.
func compileStrategy(s ecs.PlacementStrategy) (strategy, error) {
	switch s.Type {
	case StrategyBinpack:
		switch strings.ToLower(s.Field) {
		case "cpu":
			return strategy{kind: stratBinpackCPU}, nil
		case "memory":
			return strategy{kind: stratBinpackMemory}, nil
		}
		return strategy{}, ecs.InvalidParameter("Invalid field %q for the binpack placement strategy. Valid fields are cpu and memory.", s.Field)
	case StrategySpread:
		lower := strings.ToLower(s.Field)
		switch {
		case lower == "instanceid" || lower == "host":
			return strategy{kind: stratSpreadInstance}, nil
		case strings.HasPrefix(s.Field, "attribute:") && len(s.Field) > len("attribute:"):
			return strategy{kind: stratSpreadAttribute, attr: s.Field[len("attribute:"):]}, nil
		}
		return strategy{}, ecs.InvalidParameter("Invalid field %q for the spread placement strategy. Valid fields are instanceId, host and attribute:<name>.", s.Field)
	case StrategyRandom:
		return strategy{kind: stratRandom}, nil
	}
	return strategy{}, ecs.InvalidParameter("Invalid placement strategy type %q. Valid types are random, spread and binpack.", s.Type)
}
