package emulator

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
)

func eventsEmulator(t *testing.T) *Emulator {
	t.Helper()
	e, err := New(Config{Clock: clock.NewFake(time.Date(2026, 8, 16, 23, 18, 51, 0, time.UTC)), AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// The retirement notice is the AWS Health event of tasks spec §3.7: one for service
// tasks (cluster/service), one for standalone tasks.
func TestEmitHealthRetirement(t *testing.T) {
	e := eventsEmulator(t)
	at := time.Date(2026, 8, 23, 23, 18, 51, 0, time.UTC)
	e.ev.Health([]Retirement{
		{TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/aaa", Service: "web", RetireAt: at},
		{TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/bbb", Service: "web", RetireAt: at},
		{TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/ccc", Service: "api", RetireAt: at.Add(time.Hour)},
		{TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/batch/ddd", RetireAt: at},
	})
	h := e.Events().History(events.Filter{}, 0)
	if len(h) != 2 {
		t.Fatalf("%d events, want 2", len(h))
	}
	svc, standalone := h[0], h[1]
	if svc.DetailType != "AWS Health Event" || svc.Source != "aws.health" || svc.Account != "123456789012" ||
		!slices.Equal(svc.Resources, []string{"prod/web", "prod/api"}) || !slices.Equal(standalone.Resources, []string{"arn:aws:ecs:us-east-1:123456789012:task/batch/ddd"}) {
		t.Fatalf("envelopes %+v %+v", svc, standalone)
	}
	var d struct {
		EventArn, Service, EventScopeCode, EventTypeCode, EventTypeCategory, StartTime, EventRegion string
		EventDescription                                                                            []struct{ Language, LatestDescription string }
		AffectedEntities                                                                            []struct{ EntityValue string }
	}
	if err := json.Unmarshal(svc.Detail, &d); err != nil {
		t.Fatal(err)
	}
	if d.Service != "ECS" || d.EventScopeCode != "ACCOUNT_SPECIFIC" || d.EventTypeCode != "AWS_ECS_TASK_PATCHING_RETIREMENT" ||
		d.EventTypeCategory != "scheduledChange" || d.StartTime != "Sun, 23 Aug 2026 23:18:51 GMT" || d.EventRegion != "us-east-1" ||
		len(d.EventDescription) != 1 || d.EventDescription[0].Language != "en_US" || d.EventDescription[0].LatestDescription == "" ||
		len(d.AffectedEntities) != 2 || d.AffectedEntities[0].EntityValue != "prod/web" ||
		d.EventArn[:len("arn:aws:health:us-east-1::event/ECS/AWS_ECS_TASK_PATCHING_RETIREMENT/")] != "arn:aws:health:us-east-1::event/ECS/AWS_ECS_TASK_PATCHING_RETIREMENT/" {
		t.Errorf("detail %s", svc.Detail)
	}
}

func TestEmitServiceActionAndContainerInstance(t *testing.T) {
	e := eventsEmulator(t)
	s := &ecs.Service{ServiceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web", ClusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"}
	e.ev.ServiceAction(s, "ERROR", "SERVICE_TASK_PLACEMENT_FAILURE", "RESOURCE:FARGATE", ecs.FargateSpot)
	e.ev.ContainerInstance("arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/i1", map[string]any{"version": 2, "status": "ACTIVE"})
	h := e.Events().History(events.Filter{}, 0)
	if len(h) != 2 {
		t.Fatalf("%d events", len(h))
	}
	want := `{"eventType":"ERROR","eventName":"SERVICE_TASK_PLACEMENT_FAILURE","clusterArn":"arn:aws:ecs:eu-west-1:123456789012:cluster/prod",` +
		`"capacityProviderArns":["arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE_SPOT"],"reason":"RESOURCE:FARGATE","createdAt":"2026-08-16T23:18:51.000Z"}`
	if h[0].Region != "eu-west-1" || string(h[0].Detail) != want {
		t.Errorf("service action %s\nwant %s", h[0].Detail, want)
	}
	if h[1].DetailType != "ECS Container Instance State Change" || h[1].Resources[0] != "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/i1" {
		t.Errorf("container instance %+v", h[1])
	}
}
