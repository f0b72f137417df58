package emulator

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The services reconciler keeps the last plan that acted on a service's tasks, with the
// placements admission put in it: a binpack-memory service on two instances of
// different sizes goes wholly onto the smaller one (the least memory left), and the
// plan says so one task a line. Passes of a steady service do not replace it; scaling
// in does, with stop lines and no placements.
func TestLastPlanPlacesBinpackMemory(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	e, err := New(Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	e.SetRunner(fakeAgent{e})
	ctx := context.Background()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: ecs.Ptr("c")}); err != nil {
		t.Fatal(err)
	}
	var ids []string // small, large
	for _, typ := range []string{"m5.large", "m5.xlarge"} {
		ci, err := e.AddInstance(ctx, AddInstanceRequest{Cluster: "c", Type: typ, AZ: "us-east-1a"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ci.Ec2InstanceId)
	}
	td := &ecs.RegisterTaskDefinitionInput{Family: "web", ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("web"), Image: ecs.Ptr("ecsmini-demo:latest"), Memory: ecs.Ptr(256), Cpu: 128}}}
	if _, err := e.RegisterTaskDefinition(ctx, td); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := e.LastPlan(ctx, "c", "web"); err != nil || p != "" {
		t.Fatalf("LastPlan before the service exists = %q, %v; want \"\"", p, err)
	}
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: "web", TaskDefinition: "web", Cluster: "c",
		DesiredCount: ecs.Ptr(3), LaunchType: ecs.LaunchEC2,
		PlacementStrategy: []ecs.PlacementStrategy{{Type: "binpack", Field: "memory"}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	want := slices.Repeat([]string{"place web:1 on " + ids[0] + " (binpack memory)"}, 3)
	first := lastPlan(t, e)
	if got := placementLines(first); !slices.Equal(got, want) {
		t.Fatalf("placements of the last plan:\n%s\nwant:\n%s\nplan:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), first)
	}

	// Steady passes plan nothing for the tasks: the plan that placed them stays.
	clk.Advance(time.Minute)
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if p := lastPlan(t, e); p != first {
		t.Errorf("a steady pass replaced the last plan:\n%s\nwas:\n%s", p, first)
	}

	// Scaling in stops a task and places none.
	if _, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: "c", Service: "web", DesiredCount: ecs.Ptr(2)}); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	p := lastPlan(t, e)
	if got := placementLines(p); len(got) != 0 || !strings.Contains("\n"+p, "\nstop ") {
		t.Errorf("last plan after scaling in places %q; want stop lines and no placements:\n%s", got, p)
	}
}

func lastPlan(t *testing.T, e *Emulator) string {
	t.Helper()
	p, err := e.LastPlan(context.Background(), "c", "web")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// placementLines are the plan's lines that say where a task goes (or that it cannot).
func placementLines(plan string) []string {
	var out []string
	for l := range strings.SplitSeq(plan, "\n") {
		if strings.HasPrefix(l, "place ") || strings.HasPrefix(l, "cannot place ") {
			out = append(out, l)
		}
	}
	return out
}
