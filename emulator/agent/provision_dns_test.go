package agent

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// fixedEndpoints reaches ecsmini at one address from every network.
type fixedEndpoints string

func (f fixedEndpoints) Reach(context.Context, string) (string, error) { return string(f), nil }

// An awsvpc task's pause container runs the task's DNS server next to the metadata
// proxy: it fetches its cluster's names from the endpoints listener and takes over the
// resolv.conf every container of the task shares. Docker's own DNS setting stays
// unset, so that Docker's resolver keeps its upstreams for every other name.
func TestPauseContainerRunsTheTasksDNS(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
		PauseImage: "pause", Endpoints: fixedEndpoints("172.18.0.1:51680")})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	e := &prepEnv{store: store, rt: rt, agent: a}

	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	pause, ok := rt.spec(pauseContainerName)
	if !ok {
		t.Fatal("no pause container")
	}
	want := []string{"workload", "--proxy", "127.0.0.1:51679=172.18.0.1:51680",
		"--dns", "127.0.0.1:53=http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=arn%3Aaws%3Aecs%3Aus-east-1%3A000000000000%3Acluster%2Fdefault",
		"--dns-resolv-conf", "/etc/resolv.conf"}
	if !slices.Equal(pause.Cmd, want) {
		t.Fatalf("pause command\n%q\nwant\n%q", pause.Cmd, want)
	}
	if pause.DNS != nil {
		t.Fatalf("the pause container must keep Docker's DNS setting, got %q", pause.DNS)
	}
}

// Without a reachable endpoint there is no table to fetch, so no DNS server either.
func TestPauseContainerWithoutEndpointsHasNoDNS(t *testing.T) {
	e := newPrepEnv(t, nil)
	td := taskDef(container("app"))
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	pause, _ := e.rt.spec(pauseContainerName)
	if !slices.Equal(pause.Cmd, []string{"workload"}) {
		t.Fatalf("pause command %q", pause.Cmd)
	}
}
