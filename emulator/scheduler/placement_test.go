package scheduler

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestPlanPrintsPlacements holds the plan text of placements: where each new task
// goes, with the strategy that chose its instance, or why it cannot start.
func TestPlanPrintsPlacements(t *testing.T) {
	p := Plan{Placements: []Placement{
		{TaskDefinition: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3", Launch: ecs.LaunchEC2, Instance: "i-0abc", Strategy: "binpack memory"},
		{TaskDefinition: "web:3", Launch: ecs.LaunchFargate, Provider: ecs.FargateSpot},
		{TaskDefinition: "web:3", Launch: ecs.LaunchFargate, Provider: ecs.FargateSpot, Waits: true},
		{TaskDefinition: "web:3", Launch: ecs.LaunchEC2, Provider: "asg-cp", Waits: true},
		{TaskDefinition: "web:3", Launch: ecs.LaunchEC2, Failure: "RESOURCE:CPU", Closest: "arn:aws:ecs:us-east-1:000000000000:container-instance/c/0123"},
	}}
	want := "place web:3 on i-0abc (binpack memory)\n" +
		"place web:3 on FARGATE_SPOT\n" +
		"place web:3 on FARGATE_SPOT, waiting for capacity\n" +
		"place web:3 on asg-cp, waiting for capacity\n" +
		"cannot place web:3: RESOURCE:CPU (closest 0123)\n"
	if got := p.String(); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}
