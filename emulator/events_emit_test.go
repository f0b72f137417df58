package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
)

// simEmulator is an emulator whose tasks run on the simulated runtime, driven by the
// real agent and the control loop, on a fake clock.
func simEmulator(t *testing.T, missing ...string) (*emulator.Emulator, *clock.Fake) {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	emu, err := emulator.New(emulator.Config{Clock: fake})
	if err != nil {
		t.Fatal(err)
	}
	rt := sim.New(fake, sim.Options{MissingImages: missing})
	a := agent.New(agent.Config{Runtime: rt, Clock: fake, Store: emu, Region: "us-east-1", Account: "000000000000", PauseImage: "pause"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(a)
	done := make(chan error, 1)
	go func() { done <- emu.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil { // the control loop first: it launches tasks
			t.Error(err)
		}
		a.Wait()
		emu.Close()
	})
	return emu, fake
}

// stream collects a subscription's events for a test.
type stream struct {
	t    *testing.T
	sub  *events.Subscription
	seen []events.Event
}

func subscribe(t *testing.T, emu *emulator.Emulator, filter ...string) *stream {
	t.Helper()
	f, err := events.ParseFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &stream{t: t, sub: emu.Events().Subscribe(ctx, f, 10000)}
}

// until reads events until one satisfies cond and returns it.
func (s *stream) until(what string, cond func(events.Event, map[string]any) bool) events.Event {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-s.sub.C:
			s.seen = append(s.seen, ev)
			if cond(ev, detail(s.t, ev)) {
				return ev
			}
		case <-timeout:
			s.t.Fatalf("no event %s within 10 s; saw:\n%s", what, s.summary())
		}
	}
}

func (s *stream) summary() string {
	var b strings.Builder
	for _, ev := range s.seen {
		d := detail(s.t, ev)
		fmt.Fprintf(&b, "%s %v %v %v %v\n", ev.DetailType, d["eventName"], d["lastStatus"], d["version"], d["reason"])
	}
	return b.String()
}

func detail(t *testing.T, ev events.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(ev.Detail, &m); err != nil {
		t.Fatalf("detail of %s: %v", ev.DetailType, err)
	}
	return m
}

func named(name string) func(events.Event, map[string]any) bool {
	return func(_ events.Event, d map[string]any) bool { return d["eventName"] == name }
}

func register(t *testing.T, emu *emulator.Emulator, family, image string, cd func(*ecs.ContainerDefinition)) {
	t.Helper()
	c := ecs.ContainerDefinition{Name: ecs.Ptr("web"), Image: ecs.Ptr(image), Memory: ecs.Ptr(64)}
	if cd != nil {
		cd(&c)
	}
	if _, err := emu.RegisterTaskDefinition(context.Background(), &ecs.RegisterTaskDefinitionInput{Family: family,
		ContainerDefinitions: []ecs.ContainerDefinition{c}}); err != nil {
		t.Fatal(err)
	}
}

// A task run and stopped on the simulated runtime is reported at every change, in
// order, from PROVISIONING to STOPPED, with the task's increasing version.
func TestTaskStateChangeEvents(t *testing.T) {
	emu, _ := simEmulator(t)
	register(t, emu, "web", "ecsmini-demo:latest", nil)
	s := subscribe(t, emu, "detail-type=ECS Task State Change")
	out, err := emu.RunTask(context.Background(), &ecs.RunTaskInput{TaskDefinition: "web"})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.Tasks[0].TaskArn
	s.until("RUNNING", func(_ events.Event, d map[string]any) bool { return d["lastStatus"] == "RUNNING" })
	if _, err := emu.StopTask(context.Background(), &ecs.StopTaskInput{Task: arn, Reason: "done here"}); err != nil {
		t.Fatal(err)
	}
	s.until("STOPPED", func(_ events.Event, d map[string]any) bool { return d["lastStatus"] == "STOPPED" })

	var statuses []string
	last := 0.0
	for i, ev := range s.seen {
		d := detail(t, ev)
		v := d["version"].(float64)
		if v <= last {
			t.Errorf("event %d: version %v after %v:\n%s", i, v, last, s.summary())
		}
		last = v
		if st := d["lastStatus"].(string); len(statuses) == 0 || statuses[len(statuses)-1] != st {
			statuses = append(statuses, st)
		}
		if ev.Source != "aws.ecs" || ev.Account != "000000000000" || ev.Region != "us-east-1" ||
			!slices.Equal(ev.Resources, []string{arn}) || d["taskArn"] != arn || ev.Version != "0" {
			t.Errorf("event %d envelope: %+v", i, ev)
		}
		if _, err := time.Parse(time.RFC3339, ev.Time); err != nil || !strings.HasSuffix(ev.Time, "Z") {
			t.Errorf("time %q", ev.Time)
		}
		for _, k := range []string{"createdAt", "updatedAt"} {
			if ts, _ := d[k].(string); !strings.HasPrefix(ts, "2026-11-22T12:00:00.000Z") {
				t.Errorf("event %d: %s = %v, want an ISO 8601 time", i, k, d[k])
			}
		}
		if _, ok := d["tags"]; ok {
			t.Errorf("event %d has tags", i)
		}
	}
	if statuses[0] != "PROVISIONING" || statuses[len(statuses)-1] != "STOPPED" || !slices.Contains(statuses, "RUNNING") {
		t.Errorf("statuses %v", statuses)
	}
	final := detail(t, s.seen[len(s.seen)-1])
	if final["stopCode"] != "UserInitiated" || final["stoppedReason"] != "done here" || final["desiredStatus"] != "STOPPED" {
		t.Errorf("final detail %v", final)
	}
	// Events published before a subscriber came are in the history.
	f, _ := events.ParseFilter([]string{"resource=" + arn})
	if h := emu.Events().History(f, 0); len(h) != len(s.seen) {
		t.Errorf("history has %d events of the task, the subscriber saw %d", len(h), len(s.seen))
	}
}

// A new service's deployment is announced IN_PROGRESS, then COMPLETED when the service
// reaches steady state, which is announced too; the service's tasks are reported.
func TestServiceDeploymentAndSteadyStateEvents(t *testing.T) {
	emu, fake := simEmulator(t)
	register(t, emu, "web", "ecsmini-demo:latest", nil)
	s := subscribe(t, emu, "source=aws.ecs")
	out, err := emu.CreateService(context.Background(), &ecs.CreateServiceInput{ServiceName: "web", TaskDefinition: "web", DesiredCount: ecs.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	svcARN, depID := out.Service.ServiceArn, out.Service.Deployments[0].ID
	started := s.until("IN_PROGRESS", named("SERVICE_DEPLOYMENT_IN_PROGRESS"))
	running := 0
	s.until("2 tasks RUNNING", func(ev events.Event, d map[string]any) bool {
		if ev.DetailType == events.TaskStateChange && d["lastStatus"] == "RUNNING" && d["group"] == "service:web" && d["startedBy"] == depID {
			running++
		}
		return running == 2
	})
	fake.Advance(41 * time.Second) // no health checks: healthy 40 s after RUNNING
	completed := s.until("COMPLETED", named("SERVICE_DEPLOYMENT_COMPLETED"))
	steady := s.until("steady state", named("SERVICE_STEADY_STATE"))

	d := detail(t, started)
	if started.DetailType != events.DeploymentStateChange || d["eventType"] != "INFO" || d["deploymentId"] != depID ||
		d["reason"] != "ECS deployment "+depID+" in progress." || !slices.Equal(started.Resources, []string{svcARN}) {
		t.Errorf("IN_PROGRESS %+v %v", started, d)
	}
	if d := detail(t, completed); d["reason"] != "ECS deployment "+depID+" completed." || d["deploymentId"] != depID {
		t.Errorf("COMPLETED %v", d)
	}
	d = detail(t, steady)
	if steady.DetailType != events.ServiceAction || d["eventType"] != "INFO" || d["clusterArn"] != out.Service.ClusterArn ||
		!slices.Equal(steady.Resources, []string{svcARN}) || d["createdAt"] == nil {
		t.Errorf("steady %+v %v", steady, d)
	}
	if _, ok := d["version"]; ok {
		t.Error("a Service Action has no version")
	}
	// Each is sent once: a service pass that changes nothing sends nothing.
	emu.ReconcileServices()
	fake.Advance(time.Hour)
	emu.ReconcileServices()
	for _, ev := range emu.Events().History(events.Filter{}, 0) {
		if n := detail(t, ev)["eventName"]; ev.ID != completed.ID && ev.ID != steady.ID &&
			(n == "SERVICE_DEPLOYMENT_COMPLETED" || n == "SERVICE_STEADY_STATE") {
			t.Errorf("%s sent twice", n)
		}
	}
}

// A service whose tasks cannot start is impaired, then its deployment fails when the
// circuit breaker trips.
func TestImpairedAndFailedDeploymentEvents(t *testing.T) {
	emu, _ := simEmulator(t, "nowhere:latest")
	register(t, emu, "broken", "nowhere:latest", nil)
	s := subscribe(t, emu, "detail-type=ECS Service Action", "detail-type=ECS Deployment State Change")
	_, err := emu.CreateService(context.Background(), &ecs.CreateServiceInput{ServiceName: "broken", TaskDefinition: "broken",
		DesiredCount: ecs.Ptr(1), DeploymentConfiguration: &ecs.DeploymentConfiguration{
			DeploymentCircuitBreaker: &ecs.DeploymentCircuitBreaker{Enable: true}}})
	if err != nil {
		t.Fatal(err)
	}
	impaired := s.until("START_IMPAIRED", named("SERVICE_TASK_START_IMPAIRED"))
	failed := s.until("FAILED", named("SERVICE_DEPLOYMENT_FAILED"))
	if d := detail(t, impaired); d["eventType"] != "WARN" {
		t.Errorf("impaired %v", d)
	}
	if d := detail(t, failed); d["eventType"] != "ERROR" || d["reason"] != "ECS deployment circuit breaker: task failed to start." {
		t.Errorf("failed %v", d)
	}
}

// A task that needs a host port another task holds cannot be placed: RESOURCE:PORTS.
func TestPlacementFailureEvent(t *testing.T) {
	emu, _ := simEmulator(t)
	register(t, emu, "fixed", "ecsmini-demo:latest", func(cd *ecs.ContainerDefinition) {
		cd.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(18080)}}
	})
	s := subscribe(t, emu, "detail.eventName=SERVICE_TASK_PLACEMENT_FAILURE")
	out, err := emu.CreateService(context.Background(), &ecs.CreateServiceInput{ServiceName: "fixed", TaskDefinition: "fixed", DesiredCount: ecs.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	ev := s.until("placement failure", named("SERVICE_TASK_PLACEMENT_FAILURE"))
	if d := detail(t, ev); d["eventType"] != "ERROR" || d["reason"] != "RESOURCE:PORTS" || ev.Resources[0] != out.Service.ServiceArn {
		t.Errorf("%+v %v", ev, d)
	}
}
