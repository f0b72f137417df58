package ec2sim

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// benchCluster is n connected m5-family instances over three AZs with the built-in
// attributes plus a custom one, each large enough for its share of tasks tasks.
func benchCluster(n, tasks int) []Candidate {
	t, _ := LookupInstanceType("m5.large")
	perInstance := (tasks+n-1)/n + 2
	azs := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	cands := make([]Candidate, n)
	for i := range cands {
		attrs := map[string]string{"stack": "prod"}
		for _, a := range BuiltinAttributes(t, azs[i%3], "ami-0123") {
			v := ""
			if a.Value != nil {
				v = *a.Value
			}
			attrs[a.Name] = v
		}
		c := NewCandidate(fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:container-instance/bench/%d", i), fmt.Sprintf("i-%08x", i), t, attrs)
		c.RemainingCPU, c.RemainingMemory = 64*perInstance, 128*perInstance+(i%7)*64
		cands[i] = c
	}
	return cands
}

var benchRequest = Request{
	Need: Need{CPU: 64, Memory: 128, Group: "service:web"},
	Strategies: []ecs.PlacementStrategy{
		{Type: "spread", Field: "attribute:ecs.availability-zone"},
		{Type: "binpack", Field: "memory"},
	},
	Constraints: []ecs.PlacementConstraint{
		{Type: "memberOf", Expression: "attribute:ecs.os-type == linux and attribute:stack != dev and task:group != service:db"},
	},
	Service: true,
}

// BenchmarkPlace10kOver1k places 10,000 tasks one by one (Place then Reserve), with AZ
// spread then memory binpack and a memberOf constraint, over 100, 1,000 and 10,000
// instances; ns/placement is the cost of one task. "oneshot" uses the package-level Place,
// which compiles the request on every call.
func BenchmarkPlace10kOver1k(b *testing.B) {
	const tasks = 10000
	for _, size := range []int{100, 1000, 10000} {
		for _, mode := range []string{"compiled", "oneshot"} {
			if mode == "oneshot" && size != 1000 {
				continue
			}
			b.Run(fmt.Sprintf("instances=%d/%s", size, mode), func(b *testing.B) {
				fresh := benchCluster(size, tasks)
				rnd := rand.New(rand.NewSource(1))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					cands := cloneCandidates(fresh)
					b.StartTimer()
					p, err := Compile(benchRequest)
					if err != nil {
						b.Fatal(err)
					}
					for range tasks {
						var i int
						var reason string
						if mode == "compiled" {
							i, reason = p.Place(cands, rnd)
						} else {
							i, reason = Place(cands, benchRequest, rnd)
						}
						if i < 0 {
							b.Fatalf("placement failed: %s", reason)
						}
						cands[i].Reserve(benchRequest.Need)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tasks), "ns/placement")
			})
		}
	}
}

func cloneCandidates(src []Candidate) []Candidate {
	out := make([]Candidate, len(src))
	for i, c := range src {
		c.UsedPorts = cloneMap(c.UsedPorts)
		c.Groups = map[string]int{}
		out[i] = c
	}
	return out
}

func cloneMap(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
