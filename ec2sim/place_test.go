package ec2sim

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// cand is a connected m5.large-sized candidate in az with the given remaining resources.
func cand(id, az string, cpu, mem int) Candidate {
	t, _ := LookupInstanceType("m5.large")
	c := NewCandidate("arn:ci/"+id, id, t, map[string]string{"ecs.availability-zone": az, "ecs.os-type": "linux"})
	c.RemainingCPU, c.RemainingMemory = cpu, mem
	return c
}

func TestPlaceFailureReasons(t *testing.T) {
	draining := cand("i-d", "a", 2048, 4096)
	draining.Draining = true
	disconnected := cand("i-x", "a", 2048, 4096)
	disconnected.AgentConnected = false
	small := cand("i-s", "a", 256, 4096)
	lowmem := cand("i-m", "a", 2048, 100)
	port80 := cand("i-p", "a", 2048, 4096)
	port80.UsedPorts["tcp/80"] = true
	port53 := cand("i-u", "a", 2048, 4096)
	port53.UsedPorts["udp/53"] = true
	noENI := cand("i-e", "a", 2048, 4096)
	noENI.FreeENIs = 0
	busy := cand("i-b", "a", 2048, 4096)
	busy.Reserve(Need{Group: "service:web"})
	azB := cand("i-z", "b", 2048, 4096)

	need := Need{CPU: 512, Memory: 512, Group: "service:web"}
	tests := []struct {
		name  string
		cands []Candidate
		req   Request
		want  string
	}{
		{"no instances", nil, Request{Need: need}, ReasonNoActiveInstances},
		{"all draining", []Candidate{draining}, Request{Need: need}, ReasonNoActiveInstances},
		{"agent", []Candidate{draining, disconnected}, Request{Need: need}, ReasonAgent},
		{"attribute", []Candidate{azB}, Request{Need: Need{RequiredAttributes: []string{"ecs.capability.task-eni"}}}, ReasonAttribute},
		{"cpu", []Candidate{disconnected, small}, Request{Need: need}, ReasonCPU},
		{"memory", []Candidate{small, lowmem}, Request{Need: need}, ReasonMemory},
		{"ports", []Candidate{port80}, Request{Need: Need{Ports: []string{"tcp/80"}}}, ReasonPorts},
		{"reserved ports", []Candidate{azB}, Request{Need: Need{Ports: []string{"tcp/22"}}}, ReasonPorts},
		{"udp ports", []Candidate{port53}, Request{Need: Need{Ports: []string{"udp/53"}}}, ReasonPortsUDP},
		{"eni", []Candidate{noENI}, Request{Need: Need{ENI: true}}, ReasonENI},
		{"distinctInstance", []Candidate{busy}, Request{Need: need, Constraints: []ecs.PlacementConstraint{{Type: "distinctInstance"}}}, ReasonDistinctInstance},
		{"memberOf", []Candidate{small, busy}, Request{Need: need, Constraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "attribute:ecs.availability-zone == b"}}}, ReasonMemberOf},
		{"unparsable memberOf", []Candidate{azB}, Request{Need: need, Constraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "zone == b"}}}, ReasonMemberOf},
		{"latest filter wins", []Candidate{lowmem, small, noENI, disconnected}, Request{Need: Need{CPU: 512, Memory: 512, ENI: true}}, ReasonENI},
	}
	for _, tt := range tests {
		i, reason := Place(tt.cands, tt.req, rand.New(rand.NewSource(1)))
		if i != -1 || reason != tt.want {
			t.Errorf("%s: Place = %d, %q; want -1, %q", tt.name, i, reason, tt.want)
		}
	}
}

func TestPlaceStrategies(t *testing.T) {
	withGroup := func(c Candidate, group string, n int) Candidate {
		for range n {
			c.Reserve(Need{Group: group})
		}
		return c
	}
	three := func() []Candidate {
		return []Candidate{
			withGroup(cand("i-0", "us-east-1a", 2048, 3000), "service:web", 1),
			withGroup(cand("i-1", "us-east-1b", 1024, 6000), "service:web", 0),
			withGroup(cand("i-2", "us-east-1a", 1536, 2000), "service:web", 0),
		}
	}
	need := Need{CPU: 256, Memory: 256, Group: "service:web"}
	tests := []struct {
		name       string
		strategies []ecs.PlacementStrategy
		service    bool
		want       int
	}{
		{"binpack memory", []ecs.PlacementStrategy{{Type: "binpack", Field: "memory"}}, false, 2},
		{"binpack cpu", []ecs.PlacementStrategy{{Type: "binpack", Field: "CPU"}}, false, 1},
		{"spread AZ", []ecs.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}}, false, 1},
		{"spread instance then binpack memory", []ecs.PlacementStrategy{{Type: "spread", Field: "instanceId"}, {Type: "binpack", Field: "memory"}}, false, 2},
		{"spread host then binpack cpu", []ecs.PlacementStrategy{{Type: "spread", Field: "host"}, {Type: "binpack", Field: "cpu"}}, false, 1},
		{"service default: fewest in AZ, then instance", nil, true, 1},
	}
	for _, tt := range tests {
		i, reason := Place(three(), Request{Need: need, Strategies: tt.strategies, Service: tt.service}, rand.New(rand.NewSource(7)))
		if i != tt.want || reason != "" {
			t.Errorf("%s: Place = %d, %q; want %d", tt.name, i, reason, tt.want)
		}
	}
}

func TestPlaceServiceDefaultWithinAZ(t *testing.T) {
	// AZ a has 1 task, b has 1: both tie; within them the instance with the fewest wins.
	cands := []Candidate{cand("i-0", "a", 4096, 8000), cand("i-1", "a", 4096, 8000), cand("i-2", "b", 4096, 8000)}
	cands[0].Reserve(Need{Group: "service:web"})
	cands[2].Reserve(Need{Group: "service:web"})
	cands[2].Reserve(Need{Group: "service:other"})
	for seed := int64(0); seed < 20; seed++ {
		i, _ := Place(cands, Request{Need: Need{Group: "service:web"}, Service: true}, rand.New(rand.NewSource(seed)))
		if i != 1 {
			t.Fatalf("seed %d: placed on %d, want the empty instance 1 in the tied AZ a", seed, i)
		}
	}
}

func TestPlaceRandomIsSeededAndCoversAll(t *testing.T) {
	cands := []Candidate{cand("i-0", "a", 4096, 8000), cand("i-1", "a", 4096, 8000), cand("i-2", "b", 4096, 8000)}
	seen := map[int]bool{}
	for seed := int64(0); seed < 50; seed++ {
		a, _ := Place(cands, Request{}, rand.New(rand.NewSource(seed)))
		b, _ := Place(cands, Request{}, rand.New(rand.NewSource(seed)))
		if a != b {
			t.Fatalf("seed %d gave %d then %d", seed, a, b)
		}
		seen[a] = true
	}
	if len(seen) != 3 {
		t.Errorf("standalone random placement used %v, want all three instances", seen)
	}
	if i, _ := Place(cands, Request{}, nil); i != 0 {
		t.Errorf("with a nil rnd Place = %d, want the first candidate", i)
	}
}

func TestReserveRelease(t *testing.T) {
	c := Candidate{RemainingCPU: 1024, RemainingMemory: 2048, FreeENIs: 2}
	n := Need{CPU: 256, Memory: 512, Ports: []string{"tcp/80", "udp/53"}, ENI: true, Group: "service:web"}
	c.Reserve(n)
	if c.RemainingCPU != 768 || c.RemainingMemory != 1536 || c.FreeENIs != 1 || !c.UsedPorts["tcp/80"] ||
		!c.UsedPorts["udp/53"] || c.Groups["service:web"] != 1 || c.RunningTasks != 1 {
		t.Fatalf("after Reserve: %+v", c)
	}
	c.Release(n)
	if c.RemainingCPU != 1024 || c.RemainingMemory != 2048 || c.FreeENIs != 2 || len(c.UsedPorts) != 0 ||
		len(c.Groups) != 0 || c.RunningTasks != 0 {
		t.Fatalf("after Release: %+v", c)
	}
	c.Release(Need{Group: "nothing"}) // releasing what was never reserved keeps counts sane
	if c.RunningTasks != 0 || c.Groups["nothing"] != 0 {
		t.Fatalf("after a spurious Release: %+v", c)
	}
}

func TestValidatePlacement(t *testing.T) {
	s := func(typ, field string) ecs.PlacementStrategy { return ecs.PlacementStrategy{Type: typ, Field: field} }
	c := func(typ, expr string) ecs.PlacementConstraint {
		return ecs.PlacementConstraint{Type: typ, Expression: expr}
	}
	many := func(n int) []ecs.PlacementConstraint {
		out := make([]ecs.PlacementConstraint, n)
		for i := range out {
			out[i] = c("memberOf", fmt.Sprintf("attribute:n%d exists", i))
		}
		return out
	}
	tests := []struct {
		name        string
		strategies  []ecs.PlacementStrategy
		constraints []ecs.PlacementConstraint
		want        string // "" = valid
	}{
		{"none", nil, nil, ""},
		{"all kinds", []ecs.PlacementStrategy{s("spread", "attribute:ecs.availability-zone"), s("spread", "instanceId"), s("binpack", "memory"), s("random", "")},
			[]ecs.PlacementConstraint{c("distinctInstance", ""), c("memberOf", "task:group == service:db")}, ""},
		{"bad type", []ecs.PlacementStrategy{s("pack", "cpu")}, nil, `Invalid placement strategy type "pack". Valid types are random, spread and binpack.`},
		{"bad binpack field", []ecs.PlacementStrategy{s("binpack", "disk")}, nil, `Invalid field "disk" for the binpack placement strategy. Valid fields are cpu and memory.`},
		{"bad spread field", []ecs.PlacementStrategy{s("spread", "zone")}, nil, `Invalid field "zone" for the spread placement strategy. Valid fields are instanceId, host and attribute:<name>.`},
		{"empty spread attribute", []ecs.PlacementStrategy{s("spread", "attribute:")}, nil, `Invalid field "attribute:" for the spread placement strategy.`},
		{"too many strategies", []ecs.PlacementStrategy{s("random", ""), s("random", ""), s("random", ""), s("random", ""), s("random", ""), s("random", "")}, nil, "The number of placement strategies (6) exceeds the limit of 5."},
		{"distinct with expression", nil, []ecs.PlacementConstraint{c("distinctInstance", "runningTasksCount == 0")}, "distinctInstance expression should not be specified."},
		{"memberOf without expression", nil, []ecs.PlacementConstraint{c("memberOf", " ")}, "The memberOf placement constraint requires an expression."},
		{"memberOf unparsable", nil, []ecs.PlacementConstraint{c("memberOf", "attribute:x === y")}, `Invalid cluster query expression "attribute:x === y"`},
		{"bad constraint type", nil, []ecs.PlacementConstraint{c("sameZone", "")}, `Invalid placement constraint type "sameZone". Valid types are distinctInstance and memberOf.`},
		{"ten constraints", nil, many(10), ""},
		{"too many constraints", nil, many(11), "The number of placement constraints (11) exceeds the limit of 10."},
	}
	for _, tt := range tests {
		err := ValidatePlacement(tt.strategies, tt.constraints)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, ok := ecs.AsError(err)
		if !ok || e.Code != ecs.CodeInvalidParameter || !strings.Contains(e.Message, tt.want) {
			t.Errorf("%s: got %v, want InvalidParameterException containing %q", tt.name, err, tt.want)
		}
		if _, cerr := Compile(Request{Strategies: tt.strategies, Constraints: tt.constraints}); cerr == nil {
			t.Errorf("%s: Compile accepted what ValidatePlacement refused", tt.name)
		}
	}
}

func TestPlaceSpreadManyValues(t *testing.T) {
	// More distinct values than the small-set scan holds: the map path must agree.
	var cands []Candidate
	for i := range 40 {
		c := cand(fmt.Sprintf("i-%d", i), fmt.Sprintf("rack-%d", i), 4096, 8000)
		if i != 33 {
			c.Reserve(Need{Group: "g"})
		}
		cands = append(cands, c)
	}
	i, _ := Place(cands, Request{Need: Need{Group: "g"}, Strategies: []ecs.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}}}, nil)
	if i != 33 {
		t.Errorf("spread over 40 values placed on %d, want 33 (the only value without a task)", i)
	}
}

func TestPlacerRemembersCandidatesByARN(t *testing.T) {
	p, err := Compile(Request{
		Need:        Need{Group: "g"},
		Strategies:  []ecs.PlacementStrategy{{Type: "spread", Field: "attribute:rack"}},
		Constraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "attribute:stack == prod"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(id, stack, rack string) Candidate {
		c := cand(id, "a", 4096, 8000)
		c.Attributes["stack"], c.Attributes["rack"] = stack, rack
		return c
	}
	cands := []Candidate{mk("i-0", "dev", "r1"), mk("i-1", "prod", "r1")}
	if i, _ := p.Place(cands, nil); i != 1 {
		t.Fatalf("placed on %d, want the prod instance 1", i)
	}
	// Same slice, other instances at the positions: the Placer notices by ARN.
	cands[0], cands[1] = cands[1], cands[0]
	if i, _ := p.Place(cands, nil); i != 0 {
		t.Fatalf("after swapping, placed on %d, want 0", i)
	}
	// A longer slice with a new rack: the spread sees the new value.
	cands = append(cands, mk("i-2", "prod", "r2"))
	cands[0].Reserve(Need{Group: "g"})
	if i, _ := p.Place(cands, nil); i != 2 {
		t.Fatalf("placed on %d, want the empty rack on 2", i)
	}
	// Attributes changed in place need Forget.
	cands[2].Attributes["stack"] = "dev"
	p.Forget()
	if i, _ := p.Place(cands, nil); i != 0 {
		t.Fatalf("after Forget placed on %d, want 0", i)
	}
}
