package admission_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// instance is a container instance of cluster c for the placement tests.
type instance struct {
	id, az, typ string
	memory      int
}

// placementState is a state whose cluster c has the given instances.
func placementState(t *testing.T, insts ...instance) *state.State {
	t.Helper()
	st := state.New("us-east-1", "000000000000", clock.NewFake(time.Unix(0, 0)), slog.New(slog.DiscardHandler))
	sc := ecs.Scope{Region: "us-east-1", Account: "000000000000"}
	err := st.Store.Update(func(tx *store.Tx) error {
		for _, in := range insts {
			ci := &ecs.ContainerInstance{
				ContainerInstanceArn: sc.ContainerInstanceARN("c", in.id), Ec2InstanceId: in.id,
				Status: ecs.InstanceActive, AgentConnected: true,
				RegisteredResources: []ecs.Resource{
					{Name: "CPU", Type: "INTEGER", IntegerValue: 4096},
					{Name: "MEMORY", Type: "INTEGER", IntegerValue: in.memory},
				},
				Attributes: []ecs.Attribute{
					{Name: "ecs.availability-zone", Value: ecs.Ptr(in.az)},
					{Name: "ecs.instance-type", Value: ecs.Ptr(in.typ)},
				},
			}
			st.Instances.Put(tx, state.Key("us-east-1", "c", in.id), &state.Instance{Instance: ci, ClusterName: "c", Type: in.typ, AZ: in.az})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPlacementsInThePlan admits a start step of n tasks and prints the placements as
// the service plan carries them (scheduler.Placement), one line per task.
func TestPlacementsInThePlan(t *testing.T) {
	small := instance{"i-small", "us-east-1a", "t3.small", 2048}
	big := instance{"i-big", "us-east-1a", "m5.large", 8192}
	other := instance{"i-other", "us-east-1b", "m5.large", 8192}
	web := &ecs.TaskDefinition{TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3",
		NetworkMode: ecs.Ptr(ecs.NetworkBridge), ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("web")}}}
	strategy := func(typ, field string) []ecs.PlacementStrategy {
		return []ecs.PlacementStrategy{{Type: typ, Field: field}}
	}
	tests := []struct {
		name      string
		instances []instance
		launch    string
		providers []string // per task; nil: none
		how       state.Placement
		n         int
		want      string
	}{
		{"binpack memory fills the fullest instance first", []instance{big, small}, ecs.LaunchEC2, nil,
			state.Placement{Strategies: strategy("binpack", "memory")}, 3,
			"place web:3 on i-small (binpack memory)\nplace web:3 on i-small (binpack memory)\nplace web:3 on i-big (binpack memory)\n"},
		{"spread over zones (ties broken by the seeded random source)", []instance{big, other, small}, ecs.LaunchEC2, nil,
			state.Placement{Strategies: strategy("spread", "attribute:ecs.availability-zone")}, 2,
			"place web:3 on i-small (spread attribute:ecs.availability-zone)\nplace web:3 on i-other (spread attribute:ecs.availability-zone)\n"},
		{"random, repeatable with a seed", []instance{big, other, small}, ecs.LaunchEC2, nil,
			state.Placement{Strategies: strategy("random", "")}, 1,
			"place web:3 on i-RANDOM (random)\n"},
		{"memberOf keeps to matching instances", []instance{big, small}, ecs.LaunchEC2, nil,
			state.Placement{Strategies: strategy("binpack", "memory"),
				Constraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "attribute:ecs.instance-type == t3.small"}}}, 3,
			"place web:3 on i-small (binpack memory)\nplace web:3 on i-small (binpack memory)\ncannot place web:3: MemberOf placement constraint unsatisfied (closest i-big)\n"},
		{"distinctInstance: one task per instance", []instance{big, small}, ecs.LaunchEC2, nil,
			state.Placement{Constraints: []ecs.PlacementConstraint{{Type: "distinctInstance"}}}, 3,
			"place web:3 on i-big\nplace web:3 on i-small\ncannot place web:3: DistinctInstance placement constraint unsatisfied (closest i-big)\n"},
		{"Fargate capacity providers", nil, ecs.LaunchFargate, []string{ecs.FargateSpot, ecs.Fargate, ecs.FargateSpot},
			state.Placement{}, 3,
			"place web:3 on FARGATE_SPOT\nplace web:3 on FARGATE\nplace web:3 on FARGATE_SPOT\n"},
		{"Fargate launch type", nil, ecs.LaunchFargate, nil, state.Placement{}, 1, "place web:3 on FARGATE\n"},
		{"EC2 without instances runs on this machine", nil, ecs.LaunchEC2, nil, state.Placement{}, 1, "place web:3 on EC2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := placementState(t, tt.instances...)
			var b strings.Builder
			err := st.Store.Update(func(tx *store.Tx) error {
				a := admission.New(st, admission.NewRandom(7), admission.FargateQuotas{}, "us-east-1", state.Key("us-east-1", "c"), tt.launch, tt.how)
				for i := 0; i < tt.n; i++ {
					provider := ""
					if tt.providers != nil {
						provider = tt.providers[i]
					}
					tr := &state.Task{Task: &ecs.Task{TaskDefinitionArn: web.TaskDefinitionArn, LaunchType: tt.launch,
						CapacityProviderName: provider, Cpu: "256", Memory: "1024", Group: "service:web"}, ClusterName: "c", Service: "web"}
					p := a.Place(web, tr, provider)
					b.WriteString(p.String() + "\n")
					if p.Failure != "" {
						break
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if strings.Contains(tt.want, "i-RANDOM") {
				// Which instance random picks depends on the seed; that it is one of them
				// and says so is what matters here.
				for _, in := range tt.instances {
					got = strings.ReplaceAll(got, in.id+" ", "i-RANDOM ")
				}
			}
			if got != tt.want {
				t.Errorf("placements:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
