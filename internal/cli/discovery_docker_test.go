//go:build docker

package cli

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// TestServiceNamesResolveBetweenAwsvpcTasks runs two awsvpc tasks with the real agent,
// endpoints and Docker, and names from a fake source: the web task's container resolves
// "api" to the api task's address through its pause container's DNS server, and
// connects to it; other names still resolve through Docker's own resolver; a name that
// leaves the table stops resolving within seconds.
func TestServiceNamesResolveBetweenAwsvpcTasks(t *testing.T) {
	image := buildWorkloadImage(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	defer engine.Close()
	rt := engine.Runtime()
	stateDir := t.TempDir()
	clusterARN := "arn:aws:ecs:us-east-1:000000000000:cluster/dns-" + randomHex(t)[:8]

	names := &fakeNames{}
	ep := newEndpoints(endpointsConfig{Runtime: rt, Discovery: names})
	if err := ep.serve(http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	store := &tasks{Store: agenttest.NewStore()}
	a := agent.New(agent.Config{Runtime: rt, Clock: clock.Real{}, Store: store, Region: "us-east-1",
		Account: "000000000000", PauseImage: image, StateDir: stateDir, Endpoints: ep})
	actx, stopAgent := context.WithCancel(context.Background())
	if err := a.Start(actx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := a.Shutdown(sctx, "test over"); err != nil {
			t.Errorf("agent shutdown: %v", err)
		}
		stopAgent()
		a.Wait()
		if err := ep.close(); err != nil {
			t.Errorf("endpoints: %v", err)
		}
		if left := leftovers(stateDir); left != "" {
			t.Errorf("the engine still holds what the test's tasks created:\n%s", left)
		}
		if out, _ := exec.Command("docker", "network", "ls", "-q", "--filter", "label=ecsmini.state-dir="+stateDir).CombinedOutput(); strings.TrimSpace(string(out)) != "" {
			t.Errorf("task networks remain:\n%s", out)
		}
	})

	api := store.run(a, clusterARN, "api", image, "workload", "--listen", ":8080")
	web := store.run(a, clusterARN, "web", image, "workload")
	apiTask := store.waitRunning(t, api)
	webTask := store.waitRunning(t, web)
	apiIP := privateIP(apiTask)
	if apiIP == "" {
		t.Fatalf("the api task has no privateIPv4Address: %+v", apiTask.Attachments)
	}
	webContainer := webTask.Containers[0].RuntimeID

	names.set(map[string][]string{"api": {apiIP}, "API.Internal.": {apiIP}})
	exec := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, "docker", append([]string{"exec", webContainer, "/ecsmini", "workload"}, args...)...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	// The table is fetched every second.
	var out string
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if out, err = exec("lookup", "api"); err == nil && out == apiIP {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lookup api from the web task: %q %v (want %s)", out, err, apiIP)
		}
	}
	if out, err := exec("lookup", "api.internal"); err != nil || out != apiIP {
		t.Fatalf("lookup api.internal: %q %v", out, err)
	}
	if out, err := exec("probe", "http://api:8080/health"); err != nil {
		t.Fatalf("GET http://api:8080/health from the web task: %s %v", out, err)
	}
	if out, err := exec("lookup", "db"); err == nil {
		t.Fatalf("a name no service has must not resolve: %s", out)
	}
	// Docker's own names (the api task's pause container, by its container name) still
	// resolve: the task's DNS server forwards what it does not know to Docker's resolver.
	pauseName, err := exec2(ctx, "docker", "inspect", "-f", "{{.Name}}", pauseContainer(t, api))
	pauseName = strings.TrimPrefix(pauseName, "/")
	if err != nil || pauseName == "" {
		t.Fatalf("the api task's pause container: %q %v", pauseName, err)
	}
	if out, err := exec("lookup", pauseName); err != nil || out != apiIP {
		t.Fatalf("lookup %s (a Docker name, forwarded): %q %v", pauseName, out, err)
	}

	names.set(map[string][]string{})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if _, err := exec("lookup", "api"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("api still resolves after it left the table")
		}
	}
}

func exec2(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	return strings.TrimSpace(string(out)), err
}

// fakeNames is a discovery.Source whose names the test sets.
type fakeNames struct {
	mu      sync.Mutex
	records map[string][]string
}

func (f *fakeNames) set(r map[string][]string) {
	f.mu.Lock()
	f.records = r
	f.mu.Unlock()
}

func (f *fakeNames) Records(string) map[string][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.records
}

// tasks records the tasks the test runs in an agenttest.Store.
type tasks struct {
	*agenttest.Store
	mu  sync.Mutex
	seq int
}

// run records a Fargate task of one essential container running image with cmd, and
// launches it.
func (s *tasks) run(a *agent.Agent, clusterARN, name, image string, cmd ...string) string {
	s.mu.Lock()
	s.seq++
	id := randomID(s.seq)
	s.mu.Unlock()
	cluster := clusterARN[strings.LastIndex(clusterARN, "/")+1:]
	arn := "arn:aws:ecs:us-east-1:000000000000:task/" + cluster + "/" + id
	td := &ecs.TaskDefinition{Family: name, Revision: 1, NetworkMode: ecs.Ptr(ecs.NetworkAwsvpc), Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"),
		ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr(name), Image: ecs.Ptr(image), Essential: ecs.Ptr(true), Command: cmd}}}
	s.Put(&ecs.Task{TaskArn: arn, ClusterArn: clusterARN, Cpu: "256", Memory: "512",
		DesiredStatus: ecs.StatusRunning, LastStatus: ecs.StatusProvisioning, LaunchType: ecs.LaunchFargate,
		Attachments: []ecs.Attachment{{ID: "att-" + id[:8], Type: "ElasticNetworkInterface", Status: "PRECREATED"}},
		Containers:  []ecs.Container{{Name: name, TaskArn: arn, Image: image}}}, td)
	a.Launch(arn)
	return arn
}

func randomID(seq int) string {
	const hex = "0123456789abcdef"
	b := []byte(strings.Repeat("d", 32))
	for i := 31; seq > 0; i-- {
		b[i] = hex[seq%16]
		seq /= 16
	}
	return string(b)
}

func (s *tasks) waitRunning(t *testing.T, arn string) *ecs.Task {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		tk, _, err := s.Task(arn)
		if err != nil {
			t.Fatal(err)
		}
		if tk.LastStatus == ecs.StatusRunning {
			return tk
		}
		if tk.LastStatus == ecs.StatusStopped || time.Now().After(deadline) {
			t.Fatalf("task %s is %s, not RUNNING: %s", arn, tk.LastStatus, tk.StoppedReason)
		}
	}
}

// privateIP is the task's privateIPv4Address attachment detail, what a service's names
// resolve to.
func privateIP(tk *ecs.Task) string {
	for _, att := range tk.Attachments {
		for _, d := range att.Details {
			if ecs.Deref(d.Name) == "privateIPv4Address" {
				return ecs.Deref(d.Value)
			}
		}
	}
	return ""
}
