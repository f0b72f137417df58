package admission_test

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// TestPlaceOnInstance admits StartTask's tasks on the instances it names, one at a
// time and seeing the earlier ones, and prints each outcome as the plan does.
func TestPlaceOnInstance(t *testing.T) {
	small := instance{"i-small", "us-east-1a", "t3.small", 2048}
	big := instance{"i-big", "us-east-1b", "m5.large", 8192}
	sc := ecs.Scope{Region: "us-east-1", Account: "000000000000"}
	def := func(mode string, memory, hostPort int) *ecs.TaskDefinition {
		cd := ecs.ContainerDefinition{Name: ecs.Ptr("app"), Memory: ecs.Ptr(memory)}
		if hostPort != 0 {
			cd.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(hostPort), HostPort: ecs.Ptr(hostPort)}}
		}
		return &ecs.TaskDefinition{TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
			NetworkMode: ecs.Ptr(mode), ContainerDefinitions: []ecs.ContainerDefinition{cd}}
	}
	tests := []struct {
		name string
		td   *ecs.TaskDefinition
		on   []string // instance IDs, in order
		want []string
	}{
		{"each named instance takes one", def(ecs.NetworkBridge, 512, 0), []string{"i-big", "i-small"},
			[]string{"place app:1 on i-big", "place app:1 on i-small"}},
		{"the instance's memory is what counts, not the cluster's", def(ecs.NetworkBridge, 4096, 0), []string{"i-small", "i-big"},
			[]string{"cannot place app:1: RESOURCE:MEMORY (closest i-small)", "place app:1 on i-big"}},
		{"earlier tasks of the request fill the instance", def(ecs.NetworkBridge, 1536, 0), []string{"i-small", "i-small"},
			[]string{"place app:1 on i-small", "cannot place app:1: RESOURCE:MEMORY (closest i-small)"}},
		{"a host-mode port is held on this machine, whatever the instance", def(ecs.NetworkHost, 256, 8080), []string{"i-big", "i-small"},
			[]string{"place app:1 on i-big", "cannot place app:1: RESOURCE:PORTS (closest i-small)"}},
		{"an instance not in the cluster's capacity is INACTIVE", def(ecs.NetworkBridge, 256, 0), []string{"i-gone"},
			[]string{"cannot place app:1: INACTIVE (closest i-gone)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := placementState(t, small, big)
			var got []string
			err := st.Store.Update(func(tx *store.Tx) error {
				how := state.Placement{Constraints: admission.PlacementConstraints(tt.td, nil)}
				a := admission.New(st, admission.NewRandom(7), admission.FargateQuotas{}, "us-east-1", state.Key("us-east-1", "c"), ecs.LaunchEC2, how)
				for _, id := range tt.on {
					tr := &state.Task{Task: &ecs.Task{TaskDefinitionArn: tt.td.TaskDefinitionArn, LaunchType: ecs.LaunchEC2}, ClusterName: "c"}
					p := a.PlaceOnInstance(tt.td, tr, sc.ContainerInstanceARN("c", id))
					got = append(got, p.String())
					if p.Failure == "" && tr.Task.ContainerInstanceArn != sc.ContainerInstanceARN("c", id) {
						t.Errorf("task placed on %q, want %s", tr.Task.ContainerInstanceArn, id)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("placements %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("placement %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
