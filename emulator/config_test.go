package emulator

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// TestConfigOptions: what `ecsmini up` configures reaches the reconcilers through
// Config, with no setter called after New.
func TestConfigOptions(t *testing.T) {
	q := FargateQuotas{OnDemandVCPU: 4, SpotVCPU: 2}
	e, err := New(Config{Clock: clock.NewFake(time.Unix(0, 0)), FargateQuotas: q, SpotInterruptionRate: time.Hour,
		LoadBalancers: LoadBalancerConfig{Simulated: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.fg.Quotas(); got != q {
		t.Errorf("quotas = %+v, want %+v", got, q)
	}
	if !e.fg.RandomSpot() {
		t.Error("Spot tasks are not interrupted at random, want every hour on average")
	}
	plain, err := New(Config{Clock: clock.NewFake(time.Unix(0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if plain.fg.RandomSpot() || plain.fg.Quotas() != (FargateQuotas{}) {
		t.Error("a zero Config interrupts Spot tasks or sets quotas")
	}
}
