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
		LoadBalancers: LoadBalancerConfig{Simulated: true}, AgentHeartbeatTimeout: 7 * time.Second, AgentTaskGrace: 9 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.fg.Quotas(); got != q {
		t.Errorf("quotas = %+v, want %+v", got, q)
	}
	if got := e.AgentHeartbeatTimeout(); got != 7*time.Second {
		t.Errorf("remote agents' heartbeat timeout = %v, want 7s", got)
	}
	if !e.fg.RandomSpot() {
		t.Error("Spot tasks are not interrupted at random, want every hour on average")
	}
	plain, err := New(Config{Clock: clock.NewFake(time.Unix(0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if got := plain.AgentHeartbeatTimeout(); got != AgentHeartbeatTimeout {
		t.Errorf("default heartbeat timeout = %v, want %v", got, AgentHeartbeatTimeout)
	}
	if plain.fg.RandomSpot() || plain.fg.Quotas() != (FargateQuotas{}) {
		t.Error("a zero Config interrupts Spot tasks or sets quotas")
	}
}
