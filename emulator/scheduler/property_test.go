package scheduler

import (
	"testing"
	"testing/quick"
)

// TestPlanRespectsBounds: whatever min/max and however far a deployment has got, with
// healthy tasks a plan never leaves more than maximumPercent tasks (counting the ones it
// starts and the ones stopping) and never stops healthy tasks below
// minimumHealthyPercent (spec §5.4).
func TestPlanRespectsBounds(t *testing.T) {
	f := func(desired, minPct, extra, oldN, newN uint8) bool {
		d := int(desired%20) + 1
		lo := int(minPct % 101)
		hi := max(100, lo+1) + int(extra%101)
		v := rolling(d, pct(lo), pct(hi), healthyTasks("o", d1, int(oldN)%(d+1)), healthyTasks("n", d2, int(newN)%(d+1)))
		p := PlanService(v)
		b := BoundsOf(d, pct(lo), pct(hi))
		started := 0
		for _, s := range p.Start {
			started += s.Count
		}
		total, healthy := len(v.Tasks)+started, len(v.Tasks)-len(p.Stop)
		if started > 0 && total > max(b.MaxTasks, d) {
			t.Logf("desired %d %d/%d: %d tasks after plan\n%s", d, lo, hi, total, p)
			return false
		}
		if len(p.Stop) > 0 && healthy < b.MinHealthy {
			t.Logf("desired %d %d/%d: %d healthy after plan\n%s", d, lo, hi, healthy, p)
			return false
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 2000}); err != nil {
		t.Error(err)
	}
}

// BenchmarkPlanService5000 plans a 5,000-task service mid-deployment.
func BenchmarkPlanService5000(b *testing.B) {
	v := rolling(5000, nil, nil, healthyTasks("o", d1, 2500), healthyTasks("n", d2, 2000), pending("p", d2, 1000))
	b.ReportAllocs()
	for b.Loop() {
		PlanService(v)
	}
}
