package anywhere

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/logs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// Config configures a remote agent.
type Config struct {
	Endpoint string // the ecsmini's URL, http://host:port
	Cluster  string
	Name     string // shown as the instance's ecsmini.agent-name attribute
	Token    string // the join token
	Runtime  containers.Runtime
	// StateDir keeps the agent's container instance ARN (so that a restarted agent is
	// the same instance) and labels its containers.
	StateDir string
	// HostIP is where task ports are published (default 127.0.0.1).
	HostIP string
	// Wait is how long one poll may wait for news (default MaxWait; ecsmini shortens it
	// to a third of its heartbeat timeout).
	Wait time.Duration
	// Retry is the pause after a failed poll or report (default 2s).
	Retry time.Duration
	Log   *slog.Logger
	// Registered, if set, is told the container instance once it is registered.
	Registered func(ci *ecs.ContainerInstance)
	// Endpoints serves the task metadata and credentials endpoints on this machine,
	// where its task containers reach them, as the ECS agent serves them; nil gives
	// the tasks none.
	Endpoints Endpoints
}

// Endpoints is where this machine's task containers reach the agent's metadata and
// credentials endpoints: Serve starts serving h; Reach (agent.Endpoints) says where
// a container on a network finds it.
type Endpoints interface {
	agent.Endpoints
	Serve(h http.Handler) error
}

// Agent is a remote machine's link to ecsmini.
type Agent struct {
	cfg   Config
	api   *ecsminiapi.Client
	poll  *http.Client
	store *remoteStore
	tasks *agent.Agent
	arn   string
	// leftover are the containers a previous run of the agent left, by task ARN, until
	// the first poll says which tasks they still serve.
	leftover map[string][]containers.State
}

// New prepares an agent; Run registers and serves.
func New(cfg Config) *Agent {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Wait <= 0 {
		cfg.Wait = MaxWait
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 2 * time.Second
	}
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	hc := &http.Client{Transport: bearer{token: cfg.Token, next: http.DefaultTransport}}
	api := ecsminiapi.NewClient(cfg.Endpoint)
	api.HTTP, api.Timeout = hc, 10*time.Second
	return &Agent{cfg: cfg, api: api, poll: &http.Client{Transport: hc.Transport, Timeout: cfg.Wait + 10*time.Second}, store: newRemoteStore()}
}

// bearer adds the join token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	r.Header.Set(ecsminiapi.ClientHeader, ecsminiapi.ClientName)
	return b.next.RoundTrip(r)
}

// Run registers the machine (again, if it was before) and runs its tasks until ctx
// ends. It returns an error only when it cannot start; a lost link is retried.
func (a *Agent) Run(ctx context.Context) error {
	ci, err := a.register(ctx)
	if err != nil {
		return err
	}
	a.arn = ci.ContainerInstanceArn
	if err := a.findLeftovers(ctx); err != nil {
		return err
	}
	a.cfg.Log.Info("registered", "containerInstance", a.arn, "ec2InstanceId", ci.Ec2InstanceId, "cluster", a.cfg.Cluster)
	if a.cfg.Registered != nil {
		a.cfg.Registered(ci)
	}
	// The tasks outlive ctx a little: when the agent is stopped, it stops them and
	// reports that, rather than leaving containers nobody tracks.
	taskCtx, stopTasks := context.WithCancel(context.WithoutCancel(ctx))
	defer stopTasks()
	cfg := agent.Config{Runtime: a.cfg.Runtime, Clock: clock.Real{}, Store: a.store, Region: regionOf(a.arn),
		Account: accountOf(a.arn), HostIP: a.cfg.HostIP, StateDir: a.cfg.StateDir, Log: a.cfg.Log,
		Secrets: remoteSecrets{a}, Credentials: a.store.credentials, AWSLogs: remoteAWSLogs{a}, Endpoints: a.cfg.Endpoints}
	a.tasks = agent.New(cfg)
	if a.cfg.Endpoints != nil {
		if err := a.cfg.Endpoints.Serve(metadata.NewHandler(a.tasks, metadata.WithProtection(remoteProtection{a}))); err != nil {
			return fmt.Errorf("task metadata endpoint: %w", err)
		}
	}
	ship := newShipper(a)
	collector, err := a.collect(taskCtx, ship)
	if err != nil {
		return err
	}
	if err := a.tasks.Start(taskCtx); err != nil {
		return fmt.Errorf("starting the task agent: %w", err)
	}
	go a.send(taskCtx)
	go ship.run(taskCtx)
	served := a.serve(ctx)
	sctx, cancel := context.WithTimeout(taskCtx, shutdownTimeout)
	defer cancel()
	err = a.tasks.Shutdown(sctx, "ecsmini agent stopped")
	a.flush(sctx)
	stopTasks()
	a.tasks.Wait()
	<-collector.Done()
	ship.flush(sctx)
	if err != nil {
		return fmt.Errorf("stopping this machine's tasks: %w", err)
	}
	return served
}

// shutdownTimeout bounds stopping the tasks when the agent stops.
const shutdownTimeout = 30 * time.Second

// serve polls for work and hands it to the task agent until ctx ends. A lost link is
// retried; the pending reports go out once it is back.
func (a *Agent) serve(ctx context.Context) error {
	version := ""
	for ctx.Err() == nil {
		w, err := a.pollOnce(ctx, version)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if ecsminiapi.IsCode(err, "InactiveInstanceException") {
				return fmt.Errorf("this machine was deregistered from the cluster: %w", err)
			}
			a.cfg.Log.Warn("cannot reach ecsmini; retrying", "err", err)
			sleep(ctx, a.cfg.Retry)
			continue
		}
		version = w.Version
		a.store.setCredentials(w.Credentials)
		launch, nudge := a.store.merge(&w.AgentWork, time.Now())
		for _, arn := range launch {
			if found := a.leftover[arn]; agent.Adoptable(found) {
				a.tasks.Adopt(arn, found) // still ours: carry on from its containers
				a.cfg.Log.Info("adopted a task the previous run left", "task", arn)
				delete(a.leftover, arn)
				continue
			}
			a.tasks.Launch(arn)
		}
		a.removeLeftovers(ctx)
		for _, arn := range nudge {
			a.tasks.Nudge(arn)
		}
		a.kickSender()
	}
	return nil
}

// collect copies this machine's task containers' output (kept under the state
// directory, as `ecsmini up` keeps its own) and hands awslogs containers' lines to
// ship, until ctx ends. Only this agent's containers are collected: an ecsmini or
// another agent on the same engine collects its own.
func (a *Agent) collect(ctx context.Context, ship *shipper) (*logs.Collector, error) {
	c := logs.NewCollector(a.cfg.Runtime, filepath.Join(a.cfg.StateDir, "logs"), clock.Real{})
	c.Logger, c.Sink = a.cfg.Log, ship
	c.Only = map[string]string{agent.LabelStateDir: a.cfg.StateDir}
	ran := make(chan error, 1)
	go func() { ran <- c.Run(ctx) }()
	select {
	case <-c.Ready():
	case err := <-ran:
		return nil, fmt.Errorf("collecting task logs: %w", err)
	}
	go func() {
		if err := <-ran; err != nil {
			a.cfg.Log.Error("collecting task logs", "err", err)
		}
	}()
	return c, nil
}

// findLeftovers lists the containers a previous run of this agent left (a crash, a
// reboot): the first poll decides whether their tasks are adopted or removed.
func (a *Agent) findLeftovers(ctx context.Context) error {
	left, err := a.cfg.Runtime.List(ctx, map[string]string{agent.LabelStateDir: a.cfg.StateDir})
	if err != nil {
		return fmt.Errorf("listing the containers a previous run left: %w", err)
	}
	a.leftover = map[string][]containers.State{}
	for _, c := range left {
		arn := c.Labels[agent.LabelTaskARN]
		a.leftover[arn] = append(a.leftover[arn], c)
	}
	return nil
}

// removeLeftovers removes the previous run's containers that no listed task claimed:
// their tasks were stopped or replaced while the agent was away.
func (a *Agent) removeLeftovers(ctx context.Context) {
	for arn, found := range a.leftover {
		for _, c := range found {
			if err := a.cfg.Runtime.Remove(ctx, c.ID); err != nil {
				a.cfg.Log.Warn("cannot remove a container of a task that is no longer this machine's", "task", arn, "container", c.Name, "err", err)
			}
		}
	}
	a.leftover = nil
}

// flush reports what is pending once, as the agent ends.
func (a *Agent) flush(ctx context.Context) {
	for _, r := range a.store.pending() {
		if err := a.deliver(ctx, r); err != nil {
			a.cfg.Log.Warn("cannot report a task change on the way out", "task", r.task.TaskArn, "err", err)
			return
		}
		a.store.reported(r.task.TaskArn, r.seq)
	}
}

func (a *Agent) kickSender() {
	select {
	case a.store.wake <- struct{}{}:
	default:
	}
}

// send reports the tasks' changes, in order, until ctx ends; after a failure it tries
// again after a pause (or when the next poll gets through).
func (a *Agent) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.store.wake:
		}
		for _, r := range a.store.pending() {
			err := a.deliver(ctx, r)
			var ee *ecs.Error
			switch {
			case err == nil, errors.As(err, &ee):
				// Acknowledged, or refused for good (the task is gone): either way done.
				a.store.reported(r.task.TaskArn, r.seq)
			default:
				a.cfg.Log.Warn("cannot report a task change; will retry", "task", r.task.TaskArn, "err", err)
				sleep(ctx, a.cfg.Retry)
				a.kickSender()
			}
			if err != nil && ee == nil {
				break
			}
		}
	}
}

// deliver reports one change: its containers' health first, when ecsmini has other (so
// that ecsmini records a status change with the health seen with it), then the task's
// state with SubmitTaskStateChange. Health ecsmini refuses (an *ecs.Error), or an older
// ecsmini without the endpoint, is not sent again until it changes; the state change
// goes all the same.
func (a *Agent) deliver(ctx context.Context, r report) error {
	if r.health != nil {
		in := HealthRequest{Cluster: a.cfg.Cluster, ContainerInstance: a.arn,
			Tasks: []emulator.AgentTaskHealth{{TaskArn: r.task.TaskArn, Containers: r.health}}}
		err := a.call(ctx, HealthPath, in, nil)
		var ee *ecs.Error
		switch {
		case errors.As(err, &ee):
			a.cfg.Log.Warn("ecsmini refused a task's container health", "task", r.task.TaskArn, "err", err)
		case errors.Is(err, errNotServed):
			// An older ecsmini takes no health: its tasks show UNKNOWN, their states still go.
			a.cfg.Log.Warn("ecsmini takes no container health; upgrade it to see remote tasks' health", "task", r.task.TaskArn)
		case err != nil:
			return err
		}
		a.store.healthReported(r.task.TaskArn, r.health)
	}
	var out ecs.AcknowledgmentOutput
	return a.api.Call(ctx, "SubmitTaskStateChange", stateChange(a.cfg.Cluster, r.task), &out)
}

// pollOnce asks for the instance's work.
func (a *Agent) pollOnce(ctx context.Context, version string) (*Work, error) {
	body, err := json.Marshal(PollRequest{Cluster: a.cfg.Cluster, ContainerInstance: a.arn, Version: version, Wait: a.cfg.Wait})
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.Endpoint+PollPath, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.poll.Do(req)
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Type != "" {
			return nil, &ecs.Error{Code: e.Type, Message: e.Message}
		}
		return nil, fmt.Errorf("poll: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var w Work
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("poll: %s answered with something other than work: %w", a.cfg.Endpoint, err)
	}
	return &w, nil
}

// agentState is what the agent keeps between runs.
type agentState struct {
	ContainerInstanceArn string `json:"containerInstanceArn"`
}

func (a *Agent) statePath() string {
	name := strings.NewReplacer("/", "_", ":", "_").Replace(a.cfg.Cluster)
	return filepath.Join(a.cfg.StateDir, "instance-"+name+".json")
}

// register registers the machine as an external instance, as the same instance when
// it was registered before and still is.
func (a *Agent) register(ctx context.Context) (*ecs.ContainerInstance, error) {
	in := &ecs.RegisterContainerInstanceInput{Cluster: a.cfg.Cluster, Attributes: a.attributes(),
		TotalResources: totalResources(), VersionInfo: &ecs.VersionInfo{AgentVersion: agentVersion, AgentHash: "ecsmini", DockerVersion: "DockerVersion: " + a.cfg.Runtime.Name()}}
	var st agentState
	if b, err := os.ReadFile(a.statePath()); err == nil && json.Unmarshal(b, &st) == nil && st.ContainerInstanceArn != "" {
		in.ContainerInstanceArn = st.ContainerInstanceArn
	}
	var out ecs.ContainerInstanceOutput
	err := a.api.Call(ctx, "RegisterContainerInstance", in, &out)
	if err != nil && in.ContainerInstanceArn != "" && ecsminiapi.IsCode(err, ecs.CodeInvalidParameter) {
		// Deregistered or forgotten meanwhile: join as a new instance.
		in.ContainerInstanceArn = ""
		err = a.api.Call(ctx, "RegisterContainerInstance", in, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("registering with %s: %w", a.cfg.Endpoint, err)
	}
	if out.ContainerInstance == nil {
		return nil, fmt.Errorf("registering with %s: no container instance in the answer", a.cfg.Endpoint)
	}
	b, err := json.Marshal(agentState{ContainerInstanceArn: out.ContainerInstance.ContainerInstanceArn})
	if err != nil {
		return nil, fmt.Errorf("agent state: %w", err)
	}
	if err := os.MkdirAll(a.cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("agent state: %w", err)
	}
	if err := os.WriteFile(a.statePath(), b, 0o600); err != nil {
		return nil, fmt.Errorf("agent state: %w", err)
	}
	return out.ContainerInstance, nil
}

// agentVersion is the agent version ecsmini's agent registers with.
const agentVersion = "1.89.2"

// attributes are what ECS_EXTERNAL=true makes the ECS agent send, plus the name.
func (a *Agent) attributes() []ecs.Attribute {
	arch := runtime.GOARCH
	if arch == "amd64" {
		arch = "x86_64"
	}
	attrs := []ecs.Attribute{{Name: "ecs.capability.external"}, {Name: "ecs.cpu-architecture", Value: ecs.Ptr(arch)}}
	if a.cfg.Name != "" {
		attrs = append(attrs, ecs.Attribute{Name: "ecsmini.agent-name", Value: ecs.Ptr(a.cfg.Name)})
	}
	return attrs
}

// totalResources is this machine's CPU (1024 units a core) and memory (MemTotal, MiB).
func totalResources() []ecs.Resource {
	out := []ecs.Resource{{Name: "CPU", Type: "INTEGER", IntegerValue: runtime.NumCPU() * 1024}}
	if mem := memTotalMiB(); mem > 0 {
		out = append(out, ecs.Resource{Name: "MEMORY", Type: "INTEGER", IntegerValue: mem})
	}
	return out
}

func memTotalMiB() int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}

func regionOf(arn string) string {
	a, _ := ecs.ParseARN(arn)
	return a.Region
}

func accountOf(arn string) string {
	a, _ := ecs.ParseARN(arn)
	return a.Account
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
