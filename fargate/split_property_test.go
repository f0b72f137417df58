package fargate

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// splitCase is one generated input: a valid strategy, the index of its base provider
// (-1 if none) and a task count.
type splitCase struct {
	strategy []ecs.CapacityProviderStrategyItem
	baseIdx  int
	count    int
}

// genSplitCase draws valid strategies of 1-6 providers with weights 0-1000 and a base of
// 0-100000 on at most one of them. Bases are drawn small half of the time so that the
// weighted phase is exercised; a uniform 0-100000 base would swallow every count ≤ 500.
func genSplitCase(t *rapid.T) splitCase {
	n := rapid.IntRange(1, 6).Draw(t, "providers")
	strategy := make([]ecs.CapacityProviderStrategyItem, n)
	for i := range strategy {
		strategy[i] = ecs.CapacityProviderStrategyItem{
			CapacityProvider: fmt.Sprintf("cp%d", i),
			Weight:           rapid.OneOf(rapid.IntRange(0, 1000), rapid.IntRange(0, 5)).Draw(t, "weight"),
		}
	}
	if n > 1 && !slices.ContainsFunc(strategy, func(it ecs.CapacityProviderStrategyItem) bool { return it.Weight > 0 }) {
		strategy[rapid.IntRange(0, n-1).Draw(t, "forcedWeighted")].Weight = rapid.IntRange(1, 1000).Draw(t, "forcedWeight")
	}
	baseIdx := rapid.IntRange(-1, n-1).Draw(t, "baseIdx")
	if baseIdx >= 0 {
		strategy[baseIdx].Base = rapid.OneOf(rapid.IntRange(0, 100000), rapid.IntRange(0, 20)).Draw(t, "base")
		if strategy[baseIdx].Base == 0 {
			baseIdx = -1
		}
	}
	return splitCase{strategy: strategy, baseIdx: baseIdx, count: rapid.IntRange(0, 500).Draw(t, "count")}
}

func tally(names []string) map[string]int {
	counts := make(map[string]int)
	for _, name := range names {
		counts[name]++
	}
	return counts
}

func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genSplitCase(t)
		got, err := Split(c.strategy, nil, c.count)
		if err != nil {
			t.Fatalf("valid strategy %v rejected: %v", c.strategy, err)
		}
		if len(got) != c.count {
			t.Fatalf("placed %d tasks, want %d", len(got), c.count)
		}
		counts := tally(got)

		// Base first: the base provider takes the first min(base, count) tasks.
		baseShare := 0
		if c.baseIdx >= 0 {
			baseName := c.strategy[c.baseIdx].CapacityProvider
			baseShare = min(c.strategy[c.baseIdx].Base, c.count)
			for i, name := range got[:baseShare] {
				if name != baseName {
					t.Fatalf("task %d went to %s before base %d on %s was met", i, name, baseShare, baseName)
				}
			}
		}

		if len(c.strategy) == 1 {
			if counts[c.strategy[0].CapacityProvider] != c.count {
				t.Fatalf("single provider got %v", counts)
			}
			return
		}

		// After base, every weighted share is within one task of exact, and zero-weight
		// providers hold exactly their base share.
		rest := c.count - baseShare
		totalWeight := 0
		for _, it := range c.strategy {
			totalWeight += it.Weight
		}
		for i, it := range c.strategy {
			beyond := counts[it.CapacityProvider]
			if i == c.baseIdx {
				beyond -= baseShare
			}
			if it.Weight == 0 {
				if beyond != 0 {
					t.Fatalf("zero-weight %s got %d tasks beyond its base", it.CapacityProvider, beyond)
				}
				continue
			}
			// |beyond − rest·w/W| < 1, in integers.
			if diff := beyond*totalWeight - rest*it.Weight; diff <= -totalWeight || diff >= totalWeight {
				t.Fatalf("%s (weight %d of %d) got %d of %d weighted tasks, exact share %.3f",
					it.CapacityProvider, it.Weight, totalWeight, beyond, rest, float64(rest*it.Weight)/float64(totalWeight))
			}
		}
	})
}

// TestSplitIncremental checks that placing k tasks and then count−k more (with the first
// call's tasks passed as existing) continues exactly the sequence of a single call, so the
// final counts never depend on how a service scaled to its size.
func TestSplitIncremental(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genSplitCase(t)
		k := rapid.IntRange(0, c.count).Draw(t, "k")
		whole, err := Split(c.strategy, nil, c.count)
		if err != nil {
			t.Fatal(err)
		}
		first, err := Split(c.strategy, nil, k)
		if err != nil {
			t.Fatal(err)
		}
		second, err := Split(c.strategy, tally(first), c.count-k)
		if err != nil {
			t.Fatal(err)
		}
		if joined := append(first, second...); !slices.Equal(joined, whole) {
			t.Fatalf("split %d+%d = %v, one call = %v", k, c.count-k, joined, whole)
		}
	})
}

// TestSplitDeterministic guards against map iteration or other hidden state leaking in.
func TestSplitDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genSplitCase(t)
		a, _ := Split(c.strategy, nil, c.count)
		b, _ := Split(c.strategy, nil, c.count)
		if !slices.Equal(a, b) {
			t.Fatalf("two calls differ: %v vs %v", a, b)
		}
	})
}

// TestSplitAllZeroWeightsRejected: with more than one provider and no positive weight,
// ECS refuses the strategy whatever the bases and count.
func TestSplitAllZeroWeightsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "providers")
		strategy := make([]ecs.CapacityProviderStrategyItem, n)
		for i := range strategy {
			strategy[i] = ecs.CapacityProviderStrategyItem{CapacityProvider: fmt.Sprintf("cp%d", i)}
		}
		strategy[rapid.IntRange(0, n-1).Draw(t, "baseIdx")].Base = rapid.IntRange(0, 100000).Draw(t, "base")
		_, err := Split(strategy, nil, rapid.IntRange(0, 500).Draw(t, "count"))
		if e, ok := ecs.AsError(err); !ok || e.Code != ecs.CodeInvalidParameter {
			t.Fatalf("got %v, want InvalidParameterException", err)
		}
	})
}

// TestSplitFromArbitraryExisting: whatever the group already runs (tasks stopped by Spot
// interruptions, a strategy changed under a service), Split places exactly count tasks,
// only on the strategy's providers, and honours an unmet base first.
func TestSplitFromArbitraryExisting(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genSplitCase(t)
		existing := make(map[string]int)
		for _, it := range c.strategy {
			existing[it.CapacityProvider] = rapid.IntRange(0, 300).Draw(t, "existing")
		}
		got, err := Split(c.strategy, existing, c.count)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.count {
			t.Fatalf("placed %d, want %d", len(got), c.count)
		}
		if c.baseIdx >= 0 {
			it := c.strategy[c.baseIdx]
			due := min(max(0, it.Base-existing[it.CapacityProvider]), c.count)
			for _, name := range got[:due] {
				if name != it.CapacityProvider {
					t.Fatalf("unmet base on %s not placed first: %v", it.CapacityProvider, got)
				}
			}
		}
		for _, name := range got {
			if !slices.ContainsFunc(c.strategy, func(it ecs.CapacityProviderStrategyItem) bool { return it.CapacityProvider == name }) {
				t.Fatalf("task placed on %s, not in strategy", name)
			}
		}
	})
}
