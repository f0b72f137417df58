package ec2sim

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"pgregory.net/rapid"
)

var (
	propAZs         = []string{"a", "b", "c"}
	propExpressions = []string{
		"attribute:stack == prod",
		"task:group != service:b",
		"runningTasksCount < 3",
		"attribute:ecs.availability-zone in [a, b]",
		"not(attribute:stack == dev) or agentVersion >= 1.50",
	}
	propStrategies = []ecs.PlacementStrategy{
		{Type: "binpack", Field: "memory"}, {Type: "binpack", Field: "cpu"},
		{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "spread", Field: "instanceId"},
		{Type: "spread", Field: "attribute:stack"}, {Type: "random"},
	}
)

func genCandidates(t *rapid.T, min, max int) []Candidate {
	n := rapid.IntRange(min, max).Draw(t, "instances")
	cands := make([]Candidate, n)
	for i := range cands {
		c := Candidate{
			ARN:           fmt.Sprintf("arn:ci/%d", i),
			EC2InstanceID: fmt.Sprintf("i-%d", i),
			Attributes: map[string]string{
				"ecs.availability-zone": rapid.SampledFrom(propAZs).Draw(t, "az"),
				"stack":                 rapid.SampledFrom([]string{"prod", "dev"}).Draw(t, "stack"),
			},
			AgentConnected:  rapid.IntRange(0, 9).Draw(t, "agent") > 0,
			AgentVersion:    rapid.SampledFrom([]string{"1.14.0", "1.51.0"}).Draw(t, "version"),
			Draining:        rapid.IntRange(0, 9).Draw(t, "draining") == 0,
			RemainingCPU:    256 * rapid.IntRange(0, 16).Draw(t, "cpu"),
			RemainingMemory: 256 * rapid.IntRange(0, 32).Draw(t, "mem"),
			FreeENIs:        rapid.IntRange(0, 3).Draw(t, "enis"),
			UsedPorts:       map[string]bool{"tcp/22": true},
		}
		if rapid.Bool().Draw(t, "port80") {
			c.UsedPorts["tcp/80"] = true
		}
		cands[i] = c
	}
	return cands
}

func genNeed(t *rapid.T) Need {
	n := Need{
		CPU:    128 * rapid.IntRange(0, 16).Draw(t, "needCPU"),
		Memory: 128 * rapid.IntRange(1, 32).Draw(t, "needMem"),
		ENI:    rapid.IntRange(0, 3).Draw(t, "needENI") == 0,
		Group:  rapid.SampledFrom([]string{"service:a", "service:b"}).Draw(t, "group"),
	}
	if rapid.IntRange(0, 3).Draw(t, "needPort") == 0 {
		n.Ports = []string{rapid.SampledFrom([]string{"tcp/80", "tcp/8080", "udp/53"}).Draw(t, "port")}
	}
	return n
}

func genRequest(t *rapid.T, need Need) Request {
	req := Request{Need: need, Service: rapid.Bool().Draw(t, "service")}
	req.Strategies = rapid.SliceOfN(rapid.SampledFrom(propStrategies), 0, 3).Draw(t, "strategies")
	if rapid.Bool().Draw(t, "distinct") {
		req.Constraints = append(req.Constraints, ecs.PlacementConstraint{Type: "distinctInstance"})
	}
	if rapid.Bool().Draw(t, "memberOf") {
		req.Constraints = append(req.Constraints, ecs.PlacementConstraint{Type: "memberOf", Expression: rapid.SampledFrom(propExpressions).Draw(t, "expr")})
	}
	return req
}

// Every placement lands on an instance that can hold the task and satisfies the request's
// constraints, so no instance is ever over-committed; a failure means no instance qualified.
func TestPropertyPlacementRespectsLimitsAndConstraints(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cands := genCandidates(t, 0, 12)
		rnd := rand.New(rand.NewSource(rapid.Int64().Draw(t, "seed")))
		for step := range rapid.IntRange(1, 30).Draw(t, "tasks") {
			req := genRequest(t, genNeed(t))
			var member []*Expr
			for _, c := range req.Constraints {
				if c.Type == "memberOf" {
					e, err := ParseExpression(c.Expression)
					if err != nil {
						t.Fatal(err)
					}
					member = append(member, e)
				}
			}
			ok := func(c *Candidate) bool {
				n := req.Need
				if c.Draining || !c.AgentConnected || n.CPU > c.RemainingCPU || n.Memory > c.RemainingMemory || (n.ENI && c.FreeENIs < 1) {
					return false
				}
				for _, p := range n.Ports {
					if c.UsedPorts[p] {
						return false
					}
				}
				for _, con := range req.Constraints {
					if con.Type == "distinctInstance" && c.Groups[n.Group] > 0 {
						return false
					}
				}
				for _, e := range member {
					if !e.Match(c) {
						return false
					}
				}
				return true
			}
			i, reason := Place(cands, req, rnd)
			if i < 0 {
				for j := range cands {
					if ok(&cands[j]) {
						t.Fatalf("step %d: failed with %q although instance %d qualifies", step, reason, j)
					}
				}
				if reason == "" {
					t.Fatalf("step %d: failure without a reason", step)
				}
				continue
			}
			if !ok(&cands[i]) {
				t.Fatalf("step %d: placed %+v on instance %d that does not qualify: %+v", step, req, i, cands[i])
			}
			cands[i].Reserve(req.Need)
		}
		for i, c := range cands {
			if c.RemainingCPU < 0 || c.RemainingMemory < 0 || c.FreeENIs < 0 {
				t.Fatalf("instance %d over-committed: %+v", i, c)
			}
		}
	})
}

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

// A compiled Placer reused over many placements (with its per-candidate memory) decides
// exactly like a fresh one-shot Place each time.
func TestPropertyCompiledPlacerMatchesOneShot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cands := genCandidates(t, 0, 12)
		req := genRequest(t, genNeed(t))
		p, err := Compile(req)
		if err != nil {
			t.Fatal(err)
		}
		seed := rapid.Int64().Draw(t, "seed")
		r1, r2 := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed))
		for step := range rapid.IntRange(1, 25).Draw(t, "tasks") {
			i1, why1 := p.Place(cands, r1)
			i2, why2 := Place(cands, req, r2)
			if i1 != i2 || why1 != why2 {
				t.Fatalf("step %d: compiled %d %q, one-shot %d %q", step, i1, why1, i2, why2)
			}
			if i1 >= 0 {
				cands[i1].Reserve(req.Need)
			}
		}
	})
}
