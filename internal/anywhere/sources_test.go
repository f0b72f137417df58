package anywhere

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// recordingRuntime is the simulated runtime, keeping the spec of every container
// created (its environment is what the test reads).
type recordingRuntime struct {
	containers.Runtime
	mu    sync.Mutex
	specs map[string]containers.Spec // by container name label
}

func (r *recordingRuntime) Create(ctx context.Context, spec containers.Spec) (string, error) {
	r.mu.Lock()
	r.specs[spec.Labels[agent.LabelContainerName]] = spec
	r.mu.Unlock()
	return r.Runtime.Create(ctx, spec)
}

func (r *recordingRuntime) env(name string) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for _, kv := range r.specs[name].Env {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

// loopbackEndpoints serve the metadata handler on a loopback port, for every network.
type loopbackEndpoints struct {
	t    *testing.T
	addr string
}

func (e *loopbackEndpoints) Serve(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	e.t.Cleanup(func() { _ = srv.Close() })
	e.addr = ln.Addr().String()
	return nil
}

func (e *loopbackEndpoints) Reach(context.Context, string) (string, error) { return e.addr, nil }

// cwlogsRecorder stands for ecsmini's CloudWatch Logs.
type cwlogsRecorder struct {
	mu       sync.Mutex
	prepared []string // group stream create
	lines    map[string][]string
	got      chan struct{}
}

func (c *cwlogsRecorder) PrepareAWSLogs(group, stream string, create bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if group == "/missing" {
		return errors.New("The specified log group does not exist.")
	}
	c.prepared = append(c.prepared, strings.Join([]string{group, stream, map[bool]string{true: "create", false: ""}[create]}, " "))
	return nil
}

func (c *cwlogsRecorder) Lines(labels map[string]string, _ string, lines []string) {
	c.mu.Lock()
	key := labels[agent.LabelAWSLogsGroup] + " " + labels[agent.LabelAWSLogsStream]
	c.lines[key] = append(c.lines[key], lines...)
	c.mu.Unlock()
	select {
	case c.got <- struct{}{}:
	default:
	}
}

func (c *cwlogsRecorder) read(key string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.lines[key])
}

// TestRemoteTaskGetsMetadataCredentialsSecretsAndLogs: a task on a remote agent gets,
// from the agent's own metadata server, its v4 task metadata and the credentials
// ecsmini issued for its task role (read with the Go SDK's endpoint credentials
// provider); its secret's value from ecsmini's source in its environment; and its
// awslogs group readied and its lines delivered to ecsmini's CloudWatch Logs.
func TestRemoteTaskGetsMetadataCredentialsSecretsAndLogs(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	emu.SetRunner(nopRunner{})
	cw := &cwlogsRecorder{lines: map[string][]string{}, got: make(chan struct{}, 1)}
	h := httpapi.New(emu, nil)
	Mount(h, emu, "tok", Sources{Secrets: agent.NewSecrets(map[string]string{"/edge/db-pass": "s3cret"}), AWSLogs: cw, Lines: cw})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })
	api := ecsminiapi.NewClient(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	role := "arn:aws:iam::000000000000:role/edge-app"
	app := map[string]any{"name": "app", "image": "busybox", "memory": 64,
		"secrets":          []map[string]any{{"name": "DB_PASS", "valueFrom": "/edge/db-pass"}},
		"dockerLabels":     map[string]string{sim.LabelOutput: "hello from afar"},
		"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]string{"awslogs-group": "/ecs/edge", "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"}}}
	for _, c := range []struct {
		op string
		in any
	}{
		{"CreateCluster", map[string]any{"clusterName": "edge"}},
		{"RegisterTaskDefinition", map[string]any{"family": "web", "networkMode": "host", "requiresCompatibilities": []string{"EXTERNAL"},
			"taskRoleArn": role, "containerDefinitions": []map[string]any{app}}},
	} {
		if err := api.Call(ctx, c.op, c.in, &map[string]any{}); err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
	}
	sub := emu.Events().Subscribe(ctx, events.Filter{}, 256)

	rt := &recordingRuntime{Runtime: sim.New(clock.Real{}, sim.Options{}), specs: map[string]containers.Spec{}}
	ep := &loopbackEndpoints{t: t}
	registered := make(chan struct{})
	a := New(Config{Endpoint: srv.URL, Cluster: "edge", Token: "tok", StateDir: t.TempDir(), Runtime: rt, Endpoints: ep,
		Wait: time.Second, Retry: 50 * time.Millisecond, Registered: func(*ecs.ContainerInstance) { close(registered) }})
	agentCtx, stopAgent := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- a.Run(agentCtx) }()
	t.Cleanup(func() {
		stopAgent()
		if err := <-ran; err != nil {
			t.Errorf("agent ended with %v", err)
		}
	})
	select {
	case <-registered:
	case err := <-ran:
		t.Fatalf("agent ended: %v", err)
	}
	var run ecs.TasksOutput
	if err := api.Call(ctx, "RunTask", map[string]any{"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}, &run); err != nil {
		t.Fatal(err)
	}
	arn := run.Tasks[0].TaskArn
	waitEvent(ctx, t, sub, arn, "RUNNING")

	env := rt.env("app")
	if env["DB_PASS"] != "s3cret" {
		t.Errorf("DB_PASS=%q, want the secret's value from ecsmini's source", env["DB_PASS"])
	}
	uri := env[agent.EnvMetadataURIV4]
	if !strings.HasPrefix(uri, "http://"+ep.addr+"/") {
		t.Fatalf("%s=%q, want the agent's own metadata server at %s", agent.EnvMetadataURIV4, uri, ep.addr)
	}
	var task struct {
		TaskARN    string
		LaunchType string
		Containers []struct{ Name, DockerId string }
	}
	getJSON(t, uri+"/task", &task)
	if task.TaskARN != arn || len(task.Containers) != 1 || task.Containers[0].Name != "app" || task.Containers[0].DockerId == "" {
		t.Errorf("task metadata %+v", task)
	}
	// Task protection is relayed to ecsmini's GetTaskProtection.
	resp, err := http.Get(env[agent.EnvAgentURI] + "/task-protection/v1/state")
	if err != nil {
		t.Fatal(err)
	}
	var prot map[string]json.RawMessage
	err = json.NewDecoder(resp.Body).Decode(&prot)
	resp.Body.Close()
	if err != nil || !strings.Contains(string(prot["protection"])+string(prot["failure"]), arn) {
		t.Errorf("task protection from the agent: %v %v", prot, err)
	}
	full := env[agent.EnvCredentialsFull]
	if full == "" {
		t.Fatalf("a host-network task with a role has no %s: %v", agent.EnvCredentialsFull, env)
	}
	creds, err := endpointcreds.New(full).Retrieve(ctx)
	if err != nil {
		t.Fatalf("credentials from %s: %v", full, err)
	}
	if want := agent.StaticCredentials(time.Now(), arn, role); creds.AccessKeyID != want.AccessKeyID || creds.SecretAccessKey != want.SecretAccessKey {
		t.Errorf("credentials %s, want those ecsmini issues for %s (%s)", creds.AccessKeyID, role, want.AccessKeyID)
	}

	stream := "ecs/app/" + arn[strings.LastIndexByte(arn, '/')+1:]
	cw.mu.Lock()
	prepared := slices.Clone(cw.prepared)
	cw.mu.Unlock()
	if !slices.Equal(prepared, []string{"/ecs/edge " + stream + " create"}) {
		t.Errorf("awslogs destinations readied: %q", prepared)
	}
	for !slices.Contains(cw.read("/ecs/edge "+stream), "hello from afar") {
		select {
		case <-cw.got:
		case <-ctx.Done():
			t.Fatalf("the awslogs line never reached ecsmini: %q", cw.read("/ecs/edge "+stream))
		}
	}

	// A secret no task of the machine names is not given, even with the token.
	if _, err := (remoteSecrets{a}).Lookup("/edge/other"); !ecsminiapi.IsCode(err, ecs.CodeAccessDenied) {
		t.Errorf("a secret no task names: %v, want AccessDeniedException", err)
	}
	// A missing awslogs group is the task's reason, in the words of ecsmini's Logs.
	if err := (remoteAWSLogs{a}).PrepareAWSLogs("/missing", "", false); err == nil || err.Error() != "The specified log group does not exist." {
		t.Errorf("prepare a missing group: %v", err)
	}
}

// waitEvent waits for a Task State Change of arn to status.
func waitEvent(ctx context.Context, t *testing.T, sub *events.Subscription, arn, status string) {
	t.Helper()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				t.Fatalf("event stream ended before %s reached %s", arn, status)
			}
			var d struct{ TaskArn, LastStatus, StoppedReason string }
			if ev.DetailType == "ECS Task State Change" && json.Unmarshal(ev.Detail, &d) == nil && d.TaskArn == arn {
				if d.LastStatus == status {
					return
				}
				if d.LastStatus == "STOPPED" {
					t.Fatalf("%s stopped: %s", arn, d.StoppedReason)
				}
			}
		case <-ctx.Done():
			t.Fatalf("%s never reached %s", arn, status)
		}
	}
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestAgentEndpointsNeedTheJoinToken: none of the agent endpoints answers without the
// token, and none reads the request first.
func TestAgentEndpointsNeedTheJoinToken(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	cw := &cwlogsRecorder{lines: map[string][]string{}, got: make(chan struct{}, 1)}
	h := httpapi.New(emu, nil)
	Mount(h, emu, "tok", Sources{Secrets: agent.NewSecrets(map[string]string{"x": "y"}), AWSLogs: cw, Lines: cw})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	bodies := map[string]any{
		PollPath:    PollRequest{Cluster: "default"},
		SecretPath:  SecretRequest{Cluster: "default", Ref: "x"},
		AWSLogsPath: AWSLogsRequest{Group: "/g", CreateGroup: true},
		LinesPath:   LinesRequest{Batches: []LineBatch{{Labels: map[string]string{agent.LabelAWSLogsGroup: "/g"}, Lines: []string{"l"}}}},
		HealthPath:  HealthRequest{Cluster: "default", Tasks: []emulator.AgentTaskHealth{{TaskArn: "t"}}},
	}
	for path, body := range bodies {
		for _, auth := range []string{"", "Bearer wrong", "tok"} {
			b, _ := json.Marshal(body)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Type string `json:"__type"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || e.Type != ecs.CodeAccessDenied {
				t.Errorf("%s with %q: %d %s, want 401 AccessDeniedException", path, auth, resp.StatusCode, e.Type)
			}
		}
	}
	if len(cw.prepared) != 0 || len(cw.lines) != 0 {
		t.Errorf("refused requests reached CloudWatch Logs: %v %v", cw.prepared, cw.lines)
	}
}
