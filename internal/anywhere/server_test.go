package anywhere

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// nopRunner stands in for the local agent: the tasks here are all remote.
type nopRunner struct{}

func (nopRunner) Launch(string) {}
func (nopRunner) Nudge(string)  {}

// linkEnv is an emulator serving the ECS API and the agent endpoints, and an agent
// registered with it (not running: the test drives its poll).
func linkEnv(t *testing.T, token string) (*Agent, *ecsminiapi.Client) {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(nopRunner{})
	h := httpapi.New(emu, nil)
	Mount(h, emu, "right-token", Sources{})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	api := ecsminiapi.NewClient(srv.URL)
	ctx := context.Background()
	call := func(op string, in any) {
		t.Helper()
		if err := api.Call(ctx, op, in, &map[string]any{}); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	call("CreateCluster", map[string]any{"clusterName": "edge"})
	call("RegisterTaskDefinition", map[string]any{"family": "web", "networkMode": "bridge", "requiresCompatibilities": []string{"EXTERNAL"},
		"containerDefinitions": []map[string]any{{"name": "app", "image": "busybox", "memory": 64}}})
	a := New(Config{Endpoint: srv.URL, Cluster: "edge", Token: token, StateDir: t.TempDir(), Wait: 5 * time.Second})
	a.cfg.Runtime = nil
	var out ecs.ContainerInstanceOutput
	if err := a.api.Call(ctx, "RegisterContainerInstance", &ecs.RegisterContainerInstanceInput{Cluster: "edge", Attributes: a.attributes()}, &out); err != nil {
		t.Fatal(err)
	}
	a.arn = out.ContainerInstance.ContainerInstanceArn
	return a, api
}

func TestPollNeedsTheJoinToken(t *testing.T) {
	for _, tok := range []string{"", "wrong-token"} {
		a, _ := linkEnv(t, tok)
		_, err := a.pollOnce(context.Background(), "")
		if !ecsminiapi.IsCode(err, ecs.CodeAccessDenied) {
			t.Errorf("token %q: %v, want AccessDeniedException", tok, err)
		}
	}
}

func TestPollAnswersWhenWorkArrives(t *testing.T) {
	a, api := linkEnv(t, "right-token")
	ctx := context.Background()
	w, err := a.pollOnce(ctx, "")
	if err != nil || len(w.Tasks) != 0 || w.ContainerInstanceArn != a.arn {
		t.Fatalf("first poll: %v %+v", err, w)
	}
	got := make(chan *Work, 1)
	go func() {
		w2, err := a.pollOnce(ctx, w.Version) // waits: nothing changed yet
		if err != nil {
			t.Error(err)
		}
		got <- w2
	}()
	if err := api.Call(ctx, "RunTask", map[string]any{"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}, &map[string]any{}); err != nil {
		t.Fatal(err)
	}
	select {
	case w2 := <-got:
		if w2 == nil || len(w2.Tasks) != 1 || w2.Version == w.Version || w2.Tasks[0].TaskDefinition == nil ||
			w2.Tasks[0].TaskDefinition.Family != "web" {
			t.Fatalf("poll after RunTask: %+v", w2)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting poll did not answer when a task was placed")
	}
	// An unknown instance is an ECS-shaped error.
	a.arn = "0123"
	if _, err := a.pollOnce(ctx, ""); !ecsminiapi.IsCode(err, ecs.CodeInvalidParameter) {
		t.Fatalf("poll for an unknown instance: %v", err)
	}
}

// TestNoSecretsSourceSaysSo: when ecsmini has no secrets source, the remote agent's
// lookup says so, and the task's reason tells how to configure one, as locally.
func TestNoSecretsSourceSaysSo(t *testing.T) {
	a, _ := linkEnv(t, "right-token")
	_, err := remoteSecrets{a}.Lookup("/edge/db-pass")
	if !errors.Is(err, agent.ErrNoSecretsSource) {
		t.Fatalf("lookup without a source: %v, want ErrNoSecretsSource", err)
	}
}
