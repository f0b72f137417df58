package admission_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// TestAdmit admits tasks one after another in one admission, which remembers what the
// tasks it admitted take: host ports on this machine first, then the Fargate vCPU quota.
func TestAdmit(t *testing.T) {
	web := &ecs.TaskDefinition{NetworkMode: ecs.Ptr(ecs.NetworkBridge), ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(8080)}}}}}
	plain := &ecs.TaskDefinition{NetworkMode: ecs.Ptr(ecs.NetworkAwsvpc), ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("app")}}}
	task := func(cpu string) *state.Task {
		return &state.Task{Task: &ecs.Task{Cpu: cpu, LaunchType: ecs.LaunchFargate}}
	}
	tests := []struct {
		name  string
		quota admission.FargateQuotas
		defs  []*ecs.TaskDefinition
		cpu   string
		want  []string // code per task, "" admitted
		ports []string // host ports of the first task
	}{
		{"ports clash", admission.FargateQuotas{}, []*ecs.TaskDefinition{web, web}, "256", []string{"", "RESOURCE:PORTS"}, []string{"tcp/8080"}},
		{"no ports", admission.FargateQuotas{}, []*ecs.TaskDefinition{plain, plain, plain}, "4096", []string{"", "", ""}, nil},
		{"vCPU quota", admission.FargateQuotas{OnDemandVCPU: 2}, []*ecs.TaskDefinition{plain, plain, plain}, "1024", []string{"", "", scheduler.PlaceVCPULimit}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := state.New("us-east-1", "000000000000", clock.NewFake(time.Unix(0, 0)), slog.New(slog.DiscardHandler))
			var a *admission.Admission
			st.Store.View(func() {
				a = admission.New(st, admission.NewRandom(1), tt.quota, "us-east-1", state.Key("us-east-1", "c"), ecs.LaunchFargate, state.Placement{})
			})
			for i, td := range tt.defs {
				tr := task(tt.cpu)
				code, _ := a.Admit(td, tr, "")
				if code != tt.want[i] {
					t.Fatalf("task %d: admit = %q, want %q", i, code, tt.want[i])
				}
				if i == 0 && len(tr.HostPorts) != len(tt.ports) {
					t.Fatalf("host ports = %v, want %v", tr.HostPorts, tt.ports)
				}
			}
		})
	}
}
