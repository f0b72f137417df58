package fargate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// item is shorthand for one strategy entry in the tables below.
func item(name string, weight, base int) ecs.CapacityProviderStrategyItem {
	return ecs.CapacityProviderStrategyItem{CapacityProvider: name, Weight: weight, Base: base}
}

// Short names keep the expected sequences readable.
const (
	fg   = "FARGATE"
	spot = "FARGATE_SPOT"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name     string
		strategy []ecs.CapacityProviderStrategyItem
		existing map[string]int
		count    int
		want     []string
	}{
		{
			// Spec §2.3: "A=1, B=4 → for every task on A, 4 tasks on B". Each task goes to
			// the provider minimising (n+1)/w: B at 1/4, 2/4, 3/4; then A and B tie at 1/1
			// and A wins by strategy order; then A would exceed its share (1 of 5) so B.
			name:     "weights 1:4 over 5 tasks",
			strategy: []ecs.CapacityProviderStrategyItem{item("A", 1, 0), item("B", 4, 0)},
			count:    5,
			want:     []string{"B", "B", "B", "A", "B"},
		},
		{
			name:     "weights 1:4 over 10 tasks is 2:8",
			strategy: []ecs.CapacityProviderStrategyItem{item("A", 1, 0), item("B", 4, 0)},
			count:    10,
			want:     []string{"B", "B", "B", "A", "B", "B", "B", "B", "A", "B"},
		},
		{
			// The DESIGN scenario: base 1 on FARGATE, weights 1:3 FARGATE:FARGATE_SPOT,
			// 4 tasks. Task 1 is the base. The other 3 are shared 1:3 (exact shares 0.75
			// and 2.25), counting only tasks beyond the base: FARGATE_SPOT (1/3 < 1/1),
			// FARGATE_SPOT (2/3 < 1/1), then a tie at 1/1 that FARGATE wins by order.
			// Totals 2 FARGATE, 2 FARGATE_SPOT: the 3 weighted tasks round to 1:2, the
			// nearest whole split to 0.75:2.25. (Counting the base task in FARGATE's n, as
			// the spec's sketch does, would give 1:3 and, with larger bases, starve the
			// base provider of its weighted share altogether.)
			name:     "base 1 FARGATE, weights 1:3, 4 tasks",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 1), item(spot, 3, 0)},
			count:    4,
			want:     []string{fg, spot, spot, fg},
		},
		{
			// Same strategy, scaled to 8: 1 base + 7 weighted (exact 1.75 : 5.25 → 2:5).
			name:     "base 1 FARGATE, weights 1:3, 8 tasks",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 1), item(spot, 3, 0)},
			count:    8,
			want:     []string{fg, spot, spot, fg, spot, spot, spot, fg},
		},
		{
			// Incremental: the service above already runs its first 4 tasks (2 and 2) and
			// scales to 8. The 4 new tasks are exactly the tail of the 8-task call.
			name:     "scale 4 to 8 with existing counts",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 1), item(spot, 3, 0)},
			existing: map[string]int{fg: 2, spot: 2},
			count:    4,
			want:     []string{spot, spot, spot, fg},
		},
		{
			// A replacement after a Spot interruption goes back to Spot: FARGATE holds its
			// base plus its share, FARGATE_SPOT is one short.
			name:     "replacement refills the provider that lost a task",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 1), item(spot, 3, 0)},
			existing: map[string]int{fg: 2, spot: 1},
			count:    1,
			want:     []string{spot},
		},
		{
			name:     "base partly met by existing tasks",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 0, 3), item(spot, 1, 0)},
			existing: map[string]int{fg: 1},
			count:    4,
			want:     []string{fg, fg, spot, spot},
		},
		{
			name:     "weights 1:1 split evenly after base, ties by order",
			strategy: []ecs.CapacityProviderStrategyItem{item(spot, 1, 0), item(fg, 1, 2)},
			count:    6,
			want:     []string{fg, fg, spot, fg, spot, fg},
		},
		{
			name:     "zero weight gets only its base",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 0, 2), item(spot, 1, 0)},
			count:    5,
			want:     []string{fg, fg, spot, spot, spot},
		},
		{
			name:     "zero weight without base gets nothing",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 0, 0), item(spot, 1, 0)},
			count:    3,
			want:     []string{spot, spot, spot},
		},
		{
			name:     "base larger than count",
			strategy: []ecs.CapacityProviderStrategyItem{item(spot, 5, 0), item(fg, 1, 10)},
			count:    3,
			want:     []string{fg, fg, fg},
		},
		{
			name:     "single provider with weight 0 takes everything",
			strategy: []ecs.CapacityProviderStrategyItem{item(spot, 0, 0)},
			count:    3,
			want:     []string{spot, spot, spot},
		},
		{
			name:     "single provider with weight 0 and a base takes everything",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 0, 1)},
			count:    3,
			want:     []string{fg, fg, fg},
		},
		{
			name:     "providers outside the strategy are ignored",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 0)},
			existing: map[string]int{"EC2_ASG": 7},
			count:    2,
			want:     []string{fg, fg},
		},
		{
			name:     "zero tasks",
			strategy: []ecs.CapacityProviderStrategyItem{item(fg, 1, 1)},
			count:    0,
			want:     []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.strategy, tt.existing, tt.count)
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSplitInvalid checks that every rejected strategy is an InvalidParameterException
// carrying ECS's wording, and that it survives wrapping by the caller.
func TestSplitInvalid(t *testing.T) {
	tooMany := make([]ecs.CapacityProviderStrategyItem, MaxStrategyProviders+1)
	for i := range tooMany {
		tooMany[i] = item(fmt.Sprintf("cp-%d", i), 1, 0)
	}
	tests := []struct {
		name     string
		strategy []ecs.CapacityProviderStrategyItem
		message  string
	}{
		{"all weights zero", []ecs.CapacityProviderStrategyItem{item(fg, 0, 1), item(spot, 0, 0)},
			"There are no capacity providers with a weight value greater than zero"},
		{"two bases", []ecs.CapacityProviderStrategyItem{item(fg, 1, 1), item(spot, 1, 1)}, "base value"},
		{"duplicate", []ecs.CapacityProviderStrategyItem{item(fg, 1, 0), item(fg, 1, 0)}, "duplicate"},
		{"empty", nil, "cannot be empty"},
		{"empty name", []ecs.CapacityProviderStrategyItem{item("", 1, 0)}, "name cannot be empty"},
		{"weight too big", []ecs.CapacityProviderStrategyItem{item(fg, 1001, 0)}, "weight"},
		{"negative weight", []ecs.CapacityProviderStrategyItem{item(fg, -1, 0)}, "weight"},
		{"base too big", []ecs.CapacityProviderStrategyItem{item(fg, 1, 100001)}, "base"},
		{"too many providers", tooMany, "more than 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Split(tt.strategy, nil, 1)
			if err == nil {
				t.Fatal("Split accepted an invalid strategy")
			}
			e, ok := ecs.AsError(fmt.Errorf("run task: %w", err))
			if !ok || e.Code != ecs.CodeInvalidParameter {
				t.Fatalf("error %v is not a wrapped InvalidParameterException", err)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q does not mention %q", e.Message, tt.message)
			}
		})
	}
}

func TestSplitBadCounts(t *testing.T) {
	strategy := []ecs.CapacityProviderStrategyItem{item(fg, 1, 0)}
	if _, err := Split(strategy, nil, -1); err == nil {
		t.Error("negative count accepted")
	}
	if _, err := Split(strategy, map[string]int{fg: -2}, 1); err == nil {
		t.Error("negative existing count accepted")
	}
}

// BenchmarkSplit10000 splits 10,000 tasks over three weighted providers, one with a base,
// which is far beyond any real service (the desired count limit is 5,000 per service).
func BenchmarkSplit10000(b *testing.B) {
	strategy := []ecs.CapacityProviderStrategyItem{item(fg, 1, 10), item(spot, 3, 0), item("EXTRA", 2, 0)}
	for b.Loop() {
		if _, err := Split(strategy, nil, 10000); err != nil {
			b.Fatal(err)
		}
	}
}
