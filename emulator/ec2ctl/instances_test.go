package ec2ctl

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

func TestManagedScaling(t *testing.T) {
	tests := []struct {
		name string
		cp   *ecs.CapacityProvider
		want bool
	}{
		{"Fargate provider", &ecs.CapacityProvider{Name: ecs.Fargate}, false},
		{"group without managed scaling", &ecs.CapacityProvider{AutoScalingGroupProvider: &ecs.AutoScalingGroupProvider{}}, false},
		{"managed scaling disabled", &ecs.CapacityProvider{AutoScalingGroupProvider: &ecs.AutoScalingGroupProvider{
			ManagedScaling: &ecs.ManagedScaling{Status: "DISABLED"}}}, false},
		{"managed scaling enabled", &ecs.CapacityProvider{AutoScalingGroupProvider: &ecs.AutoScalingGroupProvider{
			ManagedScaling: &ecs.ManagedScaling{Status: "ENABLED"}}}, true},
	}
	for _, tt := range tests {
		if got := ManagedScaling(tt.cp); got != tt.want {
			t.Errorf("%s: ManagedScaling = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTerminatedReason(t *testing.T) {
	r := &state.Instance{Instance: &ecs.ContainerInstance{Ec2InstanceId: "i-0abc"}}
	if got, want := TerminatedReason(r), "Host EC2 (instance i-0abc) stopped/terminated."; got != want {
		t.Errorf("TerminatedReason = %q, want %q", got, want)
	}
}

// TestGroupInstances holds which instances count toward a group's capacity: its own,
// less those already on their way out.
func TestGroupInstances(t *testing.T) {
	soon := time.Unix(100, 0)
	rec := func(asg string, terminate *time.Time) *state.Instance {
		return &state.Instance{Instance: &ecs.ContainerInstance{}, ASG: asg, TerminateAt: terminate}
	}
	tests := []struct {
		name     string
		recs     []*state.Instance
		wantOurs []int
		wantLive int
	}{
		{"none", nil, nil, 0},
		{"ours and others", []*state.Instance{rec("web", nil), rec("db", nil), rec("web", nil)}, []int{0, 2}, 2},
		{"one terminating", []*state.Instance{rec("web", &soon), rec("web", nil)}, []int{0, 1}, 1},
		{"standalone instances", []*state.Instance{rec("", nil)}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, live := groupInstances(&state.ASG{Name: "web"}, &state.Capacity{Recs: tt.recs})
			if live != tt.wantLive || len(ours) != len(tt.wantOurs) {
				t.Fatalf("groupInstances = %v, %d; want %v, %d", ours, live, tt.wantOurs, tt.wantLive)
			}
			for i := range ours {
				if ours[i] != tt.wantOurs[i] {
					t.Fatalf("groupInstances = %v; want %v", ours, tt.wantOurs)
				}
			}
		})
	}
}
