package emulator

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
)

// TestRetireAnnouncesOnce: a retirement is announced by an AWS Health Event
// (AWS_ECS_TASK_PATCHING_RETIREMENT) naming the standalone task; retiring it again moves
// nothing and announces nothing.
func TestRetireAnnouncesOnce(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	bus := events.NewBus(100)
	e, err := New(Config{Clock: fake, Events: bus})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: "job", NetworkMode: ecs.Ptr("awsvpc"),
		RequiresCompatibilities: []string{"FARGATE"}, Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"),
		ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("app"), Image: ecs.Ptr("ecsmini-demo:latest")}}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: "job", LaunchType: ecs.LaunchFargate,
		NetworkConfiguration: &ecs.NetworkConfiguration{AwsvpcConfiguration: &ecs.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.Tasks[0].TaskArn
	first, err := e.Retire(ctx, RetireRequest{Tasks: []string{arn}})
	if err != nil || len(first) != 1 || !first[0].RetireAt.Equal(fake.Now().Add(7*24*time.Hour)) {
		t.Fatalf("Retire: %+v %v", first, err)
	}
	fake.Advance(time.Hour)
	again, err := e.Retire(ctx, RetireRequest{Tasks: []string{arn}})
	if err != nil || !again[0].RetireAt.Equal(first[0].RetireAt) {
		t.Fatalf("a second Retire moved the date: %+v %v", again, err)
	}
	var health []events.Event
	for _, ev := range bus.History(events.Filter{}, 0) {
		if ev.DetailType == "AWS Health Event" {
			health = append(health, ev)
		}
	}
	if len(health) != 1 {
		t.Fatalf("%d health events, want 1", len(health))
	}
	var detail struct {
		EventTypeCode    string `json:"eventTypeCode"`
		AffectedEntities []struct {
			EntityValue string `json:"entityValue"`
		} `json:"affectedEntities"`
	}
	if err := json.Unmarshal(health[0].Detail, &detail); err != nil {
		t.Fatal(err)
	}
	if detail.EventTypeCode != "AWS_ECS_TASK_PATCHING_RETIREMENT" || len(detail.AffectedEntities) != 1 ||
		!strings.HasSuffix(detail.AffectedEntities[0].EntityValue, arn[strings.LastIndexByte(arn, '/')+1:]) {
		t.Fatalf("health event %s", health[0].Detail)
	}
}
