package ec2sim

import (
	"math/rand"
	"reflect"
	"testing"
)

func TestPortKeys(t *testing.T) {
	for _, tt := range []struct {
		proto string
		port  int
		want  string
	}{{"tcp", 80, "tcp/80"}, {"udp", 53, "udp/53"}, {"", 8080, "tcp/8080"}} {
		if got := PortKey(tt.proto, tt.port); got != tt.want {
			t.Errorf("PortKey(%q, %d) = %q, want %q", tt.proto, tt.port, got, tt.want)
		}
	}
	want := []string{"tcp/22", "tcp/2375", "tcp/2376", "tcp/51678", "tcp/51679"}
	if got := ReservedPortKeys(); !reflect.DeepEqual(got, want) {
		t.Errorf("ReservedPortKeys() = %v, want %v", got, want)
	}
}

func TestNewCandidate(t *testing.T) {
	it, _ := LookupInstanceType("c5.large")
	attrs := map[string]string{"ecs.availability-zone": "a"}
	c := NewCandidate("arn:ci/1", "i-1", it, attrs)
	if c.ARN != "arn:ci/1" || c.EC2InstanceID != "i-1" || !c.AgentConnected || c.Draining ||
		c.RemainingCPU != 2048 || c.RemainingMemory != it.RegisteredMemory() || c.FreeENIs != 2 ||
		len(c.UsedPorts) != 5 || !c.UsedPorts["tcp/51679"] || c.RunningTasks != 0 || c.Groups == nil {
		t.Errorf("NewCandidate = %+v", c)
	}
	// Two awsvpc tasks fit a c5.large, the third fails on ENIs (spec 3.2).
	cands := []Candidate{c}
	req := Request{Need: Need{CPU: 256, Memory: 256, ENI: true}}
	for k := range 3 {
		i, why := Place(cands, req, rand.New(rand.NewSource(1)))
		if k < 2 && i != 0 || k == 2 && why != ReasonENI {
			t.Fatalf("awsvpc task %d: %d %q", k+1, i, why)
		}
		if i >= 0 {
			cands[i].Reserve(req.Need)
		}
	}
}

func TestPlaceToleratesNilMaps(t *testing.T) {
	cands := []Candidate{{ARN: "a", AgentConnected: true, RemainingCPU: 100, RemainingMemory: 100, FreeENIs: 1}}
	req := Request{Need: Need{CPU: 10, Memory: 10, Ports: []string{"tcp/80"}, ENI: true, Group: "g", RequiredAttributes: nil}, Service: true}
	if i, why := Place(cands, req, nil); i != 0 {
		t.Fatalf("Place = %d %q", i, why)
	}
	cands[0].Reserve(req.Need)
	if !cands[0].UsedPorts["tcp/80"] || cands[0].Groups["g"] != 1 {
		t.Fatalf("Reserve on nil maps: %+v", cands[0])
	}
	var empty Candidate
	empty.Release(req.Need)
}

func TestPlaceReservedPortLimit(t *testing.T) {
	it, _ := LookupInstanceType("m5.4xlarge")
	c := NewCandidate("arn:ci/1", "i-1", it, nil)
	for port := 1000; len(c.UsedPorts) < MaxReservedPorts-1; port++ {
		c.UsedPorts[PortKey("tcp", port)] = true
	}
	cands := []Candidate{c}
	one := Request{Need: Need{Ports: []string{"tcp/80"}}}
	two := Request{Need: Need{Ports: []string{"tcp/80", "udp/80"}}}
	if i, why := Place(cands, two, nil); i != -1 || why != ReasonPorts {
		t.Errorf("101st and 102nd ports: %d %q, want %s", i, why, ReasonPorts)
	}
	if i, why := Place(cands, one, nil); i != 0 {
		t.Errorf("100th port: %d %q", i, why)
	}
	if i, why := Place(cands, Request{}, nil); i != 0 {
		t.Errorf("a task without static ports is not limited: %d %q", i, why)
	}
}
