package emulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// A service pass whose commit fails leaves no trace outside the store either: the
// membership index does not list tasks that were never written, no load balancer
// listens, no task is launched. Once commits work again the service converges.
func TestFailedServicePassLeavesNoTrace(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	e, err := New(Config{Clock: fake, LoadBalancers: LoadBalancerConfig{Simulated: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	launched := 0
	e.SetRunner(countingAgent{fakeAgent{e}, &launched})
	ctx := context.Background()
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), Memory: ecs.Ptr(64),
		PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(0)}}}}}
	if _, err := e.RegisterTaskDefinition(ctx, td); err != nil {
		t.Fatal(err)
	}
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef"
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: "web", TaskDefinition: "web",
		DesiredCount: ecs.Ptr(2), LoadBalancers: []ecs.LoadBalancer{{TargetGroupArn: tg, ContainerName: "web", ContainerPort: ecs.Ptr(80)}}}); err != nil {
		t.Fatal(err)
	}
	k := state.ServiceKey("us-east-1", "default", "web")

	boom := errors.New("journal write: disk full")
	e.store.FailCommits(boom)
	if _, err := e.pass(); !errors.Is(err, boom) {
		t.Fatalf("pass with a failing journal: %v", err)
	}
	if m := e.ctl.MemberKeys(k); len(m) != 0 || launched != 0 || e.tasks.Len() != 0 {
		t.Fatalf("a failed pass left members %v, %d launches, %d tasks", m, launched, e.tasks.Len())
	}

	e.store.FailCommits(nil)
	if _, err := e.pass(); err != nil {
		t.Fatal(err)
	}
	if m := e.ctl.MemberKeys(k); len(m) != 2 || launched != 2 {
		t.Fatalf("after recovery: members %v, %d launches", m, launched)
	}

	// The tasks are RUNNING: the next pass registers them, starting the balancer.
	e.store.FailCommits(boom)
	if _, err := e.pass(); !errors.Is(err, boom) {
		t.Fatalf("pass with a failing journal: %v", err)
	}
	if lbs := e.LoadBalancers(); len(lbs) != 0 {
		t.Fatalf("a failed pass started load balancers %+v", lbs)
	}
	e.store.FailCommits(nil)
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if lbs := e.LoadBalancers(); len(lbs) != 1 || len(lbs[0].Targets) != 2 {
		t.Fatalf("after recovery: load balancers %+v", lbs)
	}
	e.ctl.CloseLoadBalancers()
}

// countingAgent counts launches.
type countingAgent struct {
	fakeAgent
	n *int
}

// Launch runs the task with its port published, as a balancer needs it.
func (a countingAgent) Launch(arn string) {
	*a.n++
	now := a.e.cfg.Clock.Now()
	_, _ = a.e.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.StartedAt = ecs.StatusRunning, ecs.At(now)
		for i := range t.Containers {
			t.Containers[i].NetworkBindings = []ecs.NetworkBinding{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(32768 + *a.n), BindIP: "127.0.0.1"}}
		}
		return nil
	})
}
