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
