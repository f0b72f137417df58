package fargate

import (
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Limits of a capacity provider strategy item (spec §2.3).
const (
	MaxStrategyProviders = 20
	MaxStrategyWeight    = 1000
	MaxStrategyBase      = 100000
)

// Split decides, for count new tasks of one group (a service, or one RunTask call), which
// capacity provider each task goes to, in launch order. existing holds how many tasks of
// the same group already run on each provider (keyed by the provider string exactly as it
// appears in the strategy; nil means none; providers not in the strategy are ignored), so
// a service scheduler can top a service up one task at a time and land where one big call
// would have put it.
//
// ECS's documented rule is "base first, then weight": the one provider with a base gets
// tasks until it holds base of them, and every task beyond the bases is shared out in
// proportion to the weights. A provider with weight 0 gets nothing beyond its base, except
// in a single-provider strategy, where it takes everything (ECS accepts that strategy).
// ECS does not document rounding or tie-breaking, so ecsmini picks a rule that keeps its
// promises for every strategy and count (see pickWeighted): each provider's share of the
// tasks beyond base stays within one task of its exact proportion, and the final counts
// depend only on how many tasks were placed in total, not on how the placing was batched.
// Equal candidates are broken by strategy order, so the answer is deterministic.
//
// An invalid strategy yields an *ecs.Error with code InvalidParameterException and ECS's
// wording, which the caller may wrap and the HTTP layer renders as is.
func Split(strategy []ecs.CapacityProviderStrategyItem, existing map[string]int, count int) ([]string, error) {
	if err := ValidateStrategy(strategy); err != nil {
		return nil, err
	}
	if count < 0 {
		return nil, fmt.Errorf("fargate: split of a negative task count (%d)", count)
	}

	// beyond[i] is how many of the group's tasks on provider i count towards the weighted
	// share, i.e. those above the provider's base; the base tasks themselves do not.
	baseIdx := -1
	baseDue := 0
	beyond := make([]int, len(strategy))
	for i, item := range strategy {
		n := existing[item.CapacityProvider]
		if n < 0 {
			return nil, fmt.Errorf("fargate: negative task count %d on capacity provider %q", n, item.CapacityProvider)
		}
		if item.Base > 0 {
			baseIdx = i
			baseDue = max(0, item.Base-n)
			n = max(0, n-item.Base)
		}
		beyond[i] = n
	}

	out := make([]string, 0, count)
	for range min(baseDue, count) {
		out = append(out, strategy[baseIdx].CapacityProvider)
	}
	if len(out) == count {
		return out, nil
	}

	// A lone provider with weight 0 is the one case where weight 0 still receives tasks.
	if len(strategy) == 1 && strategy[0].Weight == 0 {
		for len(out) < count {
			out = append(out, strategy[0].CapacityProvider)
		}
		return out, nil
	}

	placed, totalWeight := 0, 0
	for i, item := range strategy {
		if item.Weight > 0 {
			placed += beyond[i]
			totalWeight += item.Weight
		}
	}
	for len(out) < count {
		i := pickWeighted(strategy, beyond, placed, totalWeight)
		beyond[i]++
		placed++
		out = append(out, strategy[i].CapacityProvider)
	}
	return out, nil
}

// pickWeighted chooses the provider for the next task beyond base, given beyond (tasks
// each provider already holds beyond its base), placed (their sum over weighted providers)
// and totalWeight (the sum of the weights).
//
// It is the spec's rule — the weighted provider minimising (n_i+1)/w_i, ties by strategy
// order — restricted to providers that are below their exact share once this task is
// placed (n_i < (placed+1)·w_i/W). The unrestricted rule (Jefferson's/D'Hondt's method)
// drifts from the weights with three or more providers: with weights 1000:1:1:1:1:1 it
// gives the first 1000 tasks all to the big provider, about five more than its share.
// The restriction is Balinski and Young's quota method, which provably keeps every share
// within one task of exact and never takes a task away when the count grows. Because the
// choice depends only on the current counts, placing k tasks and then count−k more gives
// the same final counts as placing count at once. The eligible set is never empty: the
// exact shares for placed+1 tasks sum to placed+1, which exceeds the placed tasks.
//
// All comparisons are in integers (n·W < (placed+1)·w and cross-multiplied ratios), so
// results do not depend on floating-point rounding.
func pickWeighted(strategy []ecs.CapacityProviderStrategyItem, beyond []int, placed, totalWeight int) int {
	best := -1
	for i, item := range strategy {
		w := item.Weight
		if w == 0 || beyond[i]*totalWeight >= (placed+1)*w {
			continue
		}
		// (n_i+1)/w_i < (n_best+1)/w_best, cross-multiplied; strict, so the earlier
		// provider wins a tie.
		if best < 0 || (beyond[i]+1)*strategy[best].Weight < (beyond[best]+1)*w {
			best = i
		}
	}
	return best
}

// ValidateStrategy checks a capacity provider strategy against ECS's rules that do not
// depend on the cluster (spec §2.3): 1 to 20 distinct providers, weights 0-1000, bases
// 0-100000 on at most one provider, and at least one weight above zero when there is
// more than one provider. Whether the providers exist and are attached to the cluster is
// the caller's question. Failures are *ecs.Error InvalidParameterException.
func ValidateStrategy(strategy []ecs.CapacityProviderStrategyItem) error {
	if len(strategy) == 0 {
		return ecs.InvalidParameter("The capacity provider strategy cannot be empty.")
	}
	if len(strategy) > MaxStrategyProviders {
		return ecs.InvalidParameter("The capacity provider strategy cannot contain more than %d capacity providers.", MaxStrategyProviders)
	}
	seen := make(map[string]bool, len(strategy))
	withBase, weighted := 0, 0
	for _, item := range strategy {
		name := item.CapacityProvider
		switch {
		case name == "":
			return ecs.InvalidParameter("The capacity provider name cannot be empty.")
		case seen[name]:
			return ecs.InvalidParameter("The capacity provider strategy cannot contain a duplicate capacity provider: %s.", name)
		case item.Weight < 0 || item.Weight > MaxStrategyWeight:
			return ecs.InvalidParameter("The weight for capacity provider %s must be between 0 and %d.", name, MaxStrategyWeight)
		case item.Base < 0 || item.Base > MaxStrategyBase:
			return ecs.InvalidParameter("The base for capacity provider %s must be between 0 and %d.", name, MaxStrategyBase)
		}
		seen[name] = true
		if item.Base > 0 {
			withBase++
		}
		if item.Weight > 0 {
			weighted++
		}
	}
	if withBase > 1 {
		return ecs.InvalidParameter("Only one capacity provider in a capacity provider strategy can have a base value greater than zero.")
	}
	if weighted == 0 && len(strategy) > 1 {
		return ecs.InvalidParameter("There are no capacity providers with a weight value greater than zero in the capacity provider strategy. Specify a capacity provider with a weight value greater than zero and try again.")
	}
	return nil
}
