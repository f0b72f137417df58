package anywhere

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// TestAgentRunsTasksItIsGiven: the agent registers, is given a task by RunTask, runs it
// on its runtime (the simulated one here) and reports it RUNNING; StopTask reaches it
// and it reports the task STOPPED with the container's exit; stopping the agent ends
// Run. The test waits on the emulator's task events, not on time.
func TestAgentRunsTasksItIsGiven(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(nopRunner{})
	h := httpapi.New(emu, nil)
	Mount(h, emu, "tok", Sources{})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	api := ecsminiapi.NewClient(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for op, in := range map[string]any{
		"CreateCluster": map[string]any{"clusterName": "edge"},
		"RegisterTaskDefinition": map[string]any{"family": "web", "networkMode": "bridge", "requiresCompatibilities": []string{"EXTERNAL"},
			"containerDefinitions": []map[string]any{{"name": "app", "image": "busybox", "memory": 64}}},
	} {
		if err := api.Call(ctx, op, in, &map[string]any{}); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	sub := emu.Events().Subscribe(ctx, events.Filter{}, 256)

	registered := make(chan *ecs.ContainerInstance, 1)
	agentCtx, stopAgent := context.WithCancel(ctx)
	a := New(Config{Endpoint: srv.URL, Cluster: "edge", Token: "tok", StateDir: t.TempDir(),
		Runtime: sim.New(clock.Real{}, sim.Options{}), Wait: time.Second, Retry: 50 * time.Millisecond,
		Registered: func(ci *ecs.ContainerInstance) { registered <- ci }})
	ran := make(chan error, 1)
	go func() { ran <- a.Run(agentCtx) }()
	var ci *ecs.ContainerInstance
	select {
	case ci = <-registered:
	case err := <-ran:
		t.Fatalf("agent ended: %v", err)
	case <-ctx.Done():
		t.Fatal("agent never registered")
	}

	var run ecs.TasksOutput
	if err := api.Call(ctx, "RunTask", map[string]any{"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}, &run); err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 1 || run.Tasks[0].ContainerInstanceArn != ci.ContainerInstanceArn {
		t.Fatalf("RunTask: %+v", run)
	}
	arn := run.Tasks[0].TaskArn
	// The event's detail as far as the test reads it (its times are ISO 8601 strings).
	type detail struct {
		TaskArn       string `json:"taskArn"`
		LastStatus    string `json:"lastStatus"`
		StartedAt     string `json:"startedAt"`
		StopCode      string `json:"stopCode"`
		StoppedReason string `json:"stoppedReason"`
		Containers    []struct {
			RuntimeID string `json:"runtimeId"`
			ExitCode  *int   `json:"exitCode"`
		} `json:"containers"`
	}
	waitTask := func(want string) detail {
		t.Helper()
		for {
			select {
			case ev, ok := <-sub.C:
				if !ok {
					t.Fatalf("event stream ended before %s reached %s", arn, want)
				}
				if ev.DetailType != "ECS Task State Change" {
					continue
				}
				var tk detail
				if err := json.Unmarshal(ev.Detail, &tk); err != nil {
					t.Fatal(err)
				}
				if tk.TaskArn == arn && tk.LastStatus == want {
					return tk
				}
			case <-ctx.Done():
				t.Fatalf("task %s never reached %s", arn, want)
			}
		}
	}
	running := waitTask("RUNNING")
	if running.Containers[0].RuntimeID == "" || running.StartedAt == "" {
		t.Fatalf("RUNNING as reported: %+v", running)
	}
	if err := api.Call(ctx, "StopTask", map[string]any{"cluster": "edge", "task": arn, "reason": "enough"}, &map[string]any{}); err != nil {
		t.Fatal(err)
	}
	stopped := waitTask("STOPPED")
	if stopped.StopCode != ecs.StopUserInitiated || stopped.StoppedReason != "enough" || stopped.Containers[0].ExitCode == nil {
		t.Fatalf("STOPPED as reported: code %s reason %q exit %v", stopped.StopCode, stopped.StoppedReason, stopped.Containers[0].ExitCode)
	}
	stopAgent()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("agent ended with %v", err)
		}
	case <-ctx.Done():
		t.Fatal("agent did not end")
	}
}
