package servicectl

import (
	"strconv"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/scheduler"
)

func TestLastPlans(t *testing.T) {
	acting := scheduler.Plan{Stop: []scheduler.StopStep{{TaskARN: "arn:aws:ecs:us-east-1:0:task/c/t1", Cause: "scale-in"}}}
	idle := scheduler.Plan{Steady: true}
	for _, tc := range []struct {
		name  string
		do    func(p *lastPlans)
		key   string
		want  string
		count int
	}{
		{"an acting plan is kept", func(p *lastPlans) { p.record("a", acting) }, "a", acting.String(), 1},
		{"an idle plan is not kept", func(p *lastPlans) { p.record("a", idle) }, "a", "", 0},
		{"an idle plan does not replace an acting one", func(p *lastPlans) { p.record("a", acting); p.record("a", idle) }, "a", acting.String(), 1},
		{"forget drops it", func(p *lastPlans) { p.record("a", acting); p.forget("a") }, "a", "", 0},
		{"the oldest service goes past the bound", func(p *lastPlans) {
			for i := range maxPlans + 1 {
				p.record(strconv.Itoa(i), acting)
			}
		}, "0", "", maxPlans},
		{"a service planned again is no longer the oldest", func(p *lastPlans) {
			for i := range maxPlans {
				p.record(strconv.Itoa(i), acting)
			}
			p.record("0", acting)
			p.record("new", acting)
		}, "0", acting.String(), maxPlans},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p lastPlans
			tc.do(&p)
			if got := p.text[tc.key]; got != tc.want {
				t.Errorf("plan of %q = %q, want %q", tc.key, got, tc.want)
			}
			if len(p.text) != tc.count || len(p.order) != tc.count {
				t.Errorf("%d plans, %d keys in order; want %d", len(p.text), len(p.order), tc.count)
			}
		})
	}
}
