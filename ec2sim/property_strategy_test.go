package ec2sim

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"pgregory.net/rapid"
)

// identicalInstances are n connected, empty instances with the same resources spread over
// the AZs round-robin.
func identicalInstances(n, cpu, mem int) []Candidate {
	cands := make([]Candidate, n)
	for i := range cands {
		cands[i] = Candidate{
			ARN: fmt.Sprintf("arn:ci/%d", i), AgentConnected: true, RemainingCPU: cpu, RemainingMemory: mem, FreeENIs: 2,
			Attributes: map[string]string{"ecs.availability-zone": propAZs[i%len(propAZs)]},
		}
	}
	return cands
}

func usedInstances(cands []Candidate) int {
	n := 0
	for _, c := range cands {
		if c.RunningTasks > 0 {
			n++
		}
	}
	return n
}

// optimalBins is the fewest bins of capacity size that hold items, by exhaustive search
// (items are few).
func optimalBins(items []int, size int) int {
	best := len(items)
	loads := make([]int, 0, len(items))
	var place func(i int)
	place = func(i int) {
		if len(loads) >= best {
			return
		}
		if i == len(items) {
			best = len(loads)
			return
		}
		for b := range loads {
			if loads[b]+items[i] <= size {
				loads[b] += items[i]
				place(i + 1)
				loads[b] -= items[i]
			}
		}
		loads = append(loads, items[i])
		place(i + 1)
		loads = loads[:len(loads)-1]
	}
	place(0)
	return best
}

// binpack opens an empty instance only when no instance in use fits the task; with identical
// tasks it uses exactly the optimal ceil(n/k) instances, and with mixed sizes it stays within
// Best Fit's bound of floor(1.7 × optimal), checked against an exhaustive optimum.
func TestPropertyBinpackUsesFewInstances(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const size = 4096
		items := rapid.SliceOfN(rapid.IntRange(1, 16), 1, 7).Draw(t, "items")
		for i := range items {
			items[i] *= 256
		}
		if rapid.Bool().Draw(t, "identical") {
			for i := range items {
				items[i] = items[0]
			}
		}
		cands := identicalInstances(len(items), 1<<20, size)
		p, err := Compile(Request{Strategies: []ecs.PlacementStrategy{{Type: "binpack", Field: "memory"}}})
		if err != nil {
			t.Fatal(err)
		}
		rnd := rand.New(rand.NewSource(rapid.Int64().Draw(t, "seed")))
		for k, m := range items {
			p.need = Need{Memory: m, Group: "g"}
			i, reason := p.Place(cands, rnd)
			if i < 0 {
				t.Fatalf("item %d (%d MiB) not placed: %s", k, m, reason)
			}
			if cands[i].RunningTasks == 0 {
				for j, c := range cands {
					if c.RunningTasks > 0 && c.RemainingMemory >= m {
						t.Fatalf("item %d opened instance %d while instance %d in use has %d MiB free", k, i, j, c.RemainingMemory)
					}
				}
			}
			cands[i].Reserve(p.need)
		}
		used, opt := usedInstances(cands), optimalBins(items, size)
		if items[0] == items[len(items)-1] && allSame(items) {
			perInstance := size / items[0]
			if want := (len(items) + perInstance - 1) / perInstance; used != want {
				t.Fatalf("identical items %v used %d instances, want %d", items, used, want)
			}
		}
		if used > opt*17/10 {
			t.Fatalf("items %v used %d instances, optimum %d", items, used, opt)
		}
	})
}

func allSame(xs []int) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// spread over AZs (or instances) keeps the group's counts per value within one of each
// other at every step when every instance has room.
func TestPropertySpreadBalances(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "instances")
		cands := identicalInstances(n, 1<<20, 1<<20)
		field := rapid.SampledFrom([]string{"attribute:ecs.availability-zone", "instanceId"}).Draw(t, "field")
		strategies := []ecs.PlacementStrategy{{Type: "spread", Field: field}}
		strategies = append(strategies, rapid.SliceOfN(rapid.SampledFrom(propStrategies), 0, 2).Draw(t, "then")...)
		service := rapid.Bool().Draw(t, "default")
		if service {
			strategies = nil // the service default spreads over AZs, then instances
		}
		p, err := Compile(Request{Need: Need{CPU: 10, Memory: 10, Group: "service:web"}, Strategies: strategies, Service: service})
		if err != nil {
			t.Fatal(err)
		}
		rnd := rand.New(rand.NewSource(rapid.Int64().Draw(t, "seed")))
		for step := range rapid.IntRange(1, 40).Draw(t, "tasks") {
			i, reason := p.Place(cands, rnd)
			if i < 0 {
				t.Fatalf("step %d: %s", step, reason)
			}
			cands[i].Reserve(p.Need())
			counts := map[string]int{}
			for _, c := range cands {
				key := c.ARN
				if field != "instanceId" || service {
					key = c.Attributes["ecs.availability-zone"]
				}
				counts[key] += c.Groups["service:web"]
			}
			lo, hi := 1<<30, 0
			for _, v := range counts {
				lo, hi = min(lo, v), max(hi, v)
			}
			if hi-lo > 1 {
				t.Fatalf("step %d: counts %v", step, counts)
			}
			// Within each AZ (or globally for an instance spread) instances stay within one.
			for _, az := range propAZs {
				ilo, ihi := 1<<30, 0
				for _, c := range cands {
					if c.Attributes["ecs.availability-zone"] == az || (field == "instanceId" && !service) {
						ilo, ihi = min(ilo, c.RunningTasks), max(ihi, c.RunningTasks)
					}
				}
				if (service || field == "instanceId") && ihi > ilo+1 {
					t.Fatalf("step %d: instance counts in %s range %d..%d", step, az, ilo, ihi)
				}
			}
		}
	})
}

// Placing count identical tasks one by one reaches min(count, capacity), where capacity sums
// what each qualifying instance can hold on its own: no strategy strands capacity.
func TestPropertyDesiredCountReachedWhenCapacityAllows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cands := genCandidates(t, 0, 10)
		need := genNeed(t)
		req := Request{Need: need, Service: rapid.Bool().Draw(t, "service"),
			Strategies: rapid.SliceOfN(rapid.SampledFrom(propStrategies), 0, 3).Draw(t, "strategies")}
		distinct := rapid.Bool().Draw(t, "distinct")
		if distinct {
			req.Constraints = append(req.Constraints, ecs.PlacementConstraint{Type: "distinctInstance"})
		}
		static := []string{"attribute:stack == prod", "attribute:ecs.availability-zone in [a, b]", "agentVersion >= 1.50"}
		var member *Expr
		if rapid.Bool().Draw(t, "memberOf") {
			expr := rapid.SampledFrom(static).Draw(t, "expr")
			req.Constraints = append(req.Constraints, ecs.PlacementConstraint{Type: "memberOf", Expression: expr})
			member, _ = ParseExpression(expr)
		}
		capacity := 0
		for i := range cands {
			c := &cands[i]
			if c.Draining || !c.AgentConnected || !member.Match(c) {
				continue
			}
			k := 1 << 20
			if need.CPU > 0 {
				k = min(k, c.RemainingCPU/need.CPU)
			}
			k = min(k, c.RemainingMemory/need.Memory)
			if need.ENI {
				k = min(k, c.FreeENIs)
			}
			for _, port := range need.Ports {
				if c.UsedPorts[port] {
					k = 0
				}
				k = min(k, 1)
			}
			if distinct {
				k = min(k, 1)
			}
			capacity += max(k, 0)
		}
		count := rapid.IntRange(1, 40).Draw(t, "count")
		p, err := Compile(req)
		if err != nil {
			t.Fatal(err)
		}
		rnd := rand.New(rand.NewSource(rapid.Int64().Draw(t, "seed")))
		placed := 0
		for range count {
			i, _ := p.Place(cands, rnd)
			if i < 0 {
				break
			}
			cands[i].Reserve(need)
			placed++
		}
		if want := min(count, capacity); placed != want {
			t.Fatalf("placed %d of %d, capacity %d", placed, count, capacity)
		}
	})
}
