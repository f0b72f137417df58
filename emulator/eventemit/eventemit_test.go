package eventemit

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/scheduler"
)

func TestServiceActionOf(t *testing.T) {
	unplaceable := func(code string) scheduler.Event {
		return scheduler.Event{Kind: scheduler.EventUnplaceable, Service: "web", Placement: code, Closest: "arn:aws:ecs:us-east-1:000000000000:container-instance/c/abc"}
	}
	tests := []struct {
		ev   scheduler.Event
		want string
	}{
		{scheduler.Event{Kind: scheduler.EventThrottled, Service: "web"}, "WARN SERVICE_TASK_START_IMPAIRED "},
		{unplaceable("RESOURCE:PORTS"), "ERROR SERVICE_TASK_PLACEMENT_FAILURE RESOURCE:PORTS"},
		{unplaceable("RESOURCE:PORTS_UDP"), "ERROR SERVICE_TASK_PLACEMENT_FAILURE RESOURCE:PORTS"},
		{unplaceable("RESOURCE:CPU"), "ERROR SERVICE_TASK_PLACEMENT_FAILURE RESOURCE:CPU"},
		{unplaceable("RESOURCE:MEMORY"), "ERROR SERVICE_TASK_PLACEMENT_FAILURE RESOURCE:MEMORY"},
		{unplaceable(scheduler.PlaceFargateCapacity), "ERROR SERVICE_TASK_PLACEMENT_FAILURE RESOURCE:FARGATE"},
		{unplaceable(scheduler.PlaceNoTaskDef), "ERROR SERVICE_TASK_PLACEMENT_FAILURE "},
		{unplaceable(scheduler.PlaceNoInstances), "ERROR SERVICE_TASK_PLACEMENT_FAILURE "},
		{scheduler.Event{Kind: scheduler.EventSteady, Service: "web"}, ""},
		{scheduler.Event{Kind: scheduler.EventStarted, Service: "web", Tasks: []string{"abc"}}, ""},
	}
	for _, tc := range tests {
		a, ok := serviceActionOf(tc.ev)
		got := ""
		if ok {
			got = a.eventType + " " + a.eventName + " " + a.reason
		}
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.ev.Message(), got, tc.want)
		}
	}
}
