package agent

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// Store is what the agent needs of the control plane: read a task with its definition,
// and commit a change to it (the control plane increments the task's version).
type Store interface {
	Task(taskARN string) (*ecs.Task, *ecs.TaskDefinition, error)
	UpdateTask(taskARN string, change func(t *ecs.Task) error) (*ecs.Task, error)
}

// ServiceConnectStore is implemented by a Store whose tasks may use Service Connect in
// the bridge network mode. ECS gives such a task a pause container whose network
// namespace its containers share, so that the Service Connect proxy sees their traffic;
// the agent does the same, with the pause container on the cluster's task network (the
// awsvpc tasks'), and records the task's address there, where the other tasks' proxies
// reach it (ECS registers the instance's address in Cloud Map instead).
type ServiceConnectStore interface {
	// ServiceConnect reports whether the task is of a deployment with Service Connect.
	ServiceConnect(taskARN string) bool
	// SetTaskAddress records the task's address on its task network.
	SetTaskAddress(taskARN, addr string) error
}

// Config configures an Agent.
type Config struct {
	Runtime containers.Runtime
	Clock   clock.Clock
	Store   Store
	Region  string
	Account string
	// HostIP is where task ports are published: ecsmini only ever uses loopback.
	HostIP string
	// PauseImage holds the network namespace of awsvpc tasks.
	PauseImage string
	// StateDir labels everything the agent creates, so a later ecsmini on the same state
	// directory can find what this one left behind.
	StateDir string
	// Endpoints, when set, makes the metadata and credentials endpoints reachable from
	// task containers (the agent then injects their URIs); nil injects none.
	Endpoints Endpoints
	// Secrets resolves the valueFrom of containers' secrets; nil fails every task that
	// has secrets, saying how to configure a source (see LoadSecretsFile).
	Secrets SecretSource
	// Credentials gives a task role's credentials; nil hands out static test keys.
	Credentials func(now time.Time, taskARN, role string) metadata.Credentials
	// AWSLogs, when set, readies the CloudWatch Logs group and stream of containers
	// whose log driver is awslogs before the task starts (their lines get there through
	// the labels of LabelAWSLogsGroup); nil leaves awslogs containers unrouted.
	AWSLogs AWSLogs
	// RuntimeTime maps a time the runtime reports (a container's finish) onto Clock,
	// whose time the emulator may have moved ahead; nil: the runtime runs on Clock (the
	// simulator does).
	RuntimeTime func(time.Time) time.Time
	Log         *slog.Logger
	// PausePool is how many started pause containers the agent keeps warm for each
	// shape of awsvpc task network it has run (see pausePool); 0 keeps none. ecsmini
	// sets it on Docker, where starting a pause container is the slowest step of a task.
	PausePool int
	// Activity, when set, counts the agent's work so that a Settle can wait until every
	// task runner has done what it can at the current time (see clock.Activity). Share
	// it with the simulated runtime (sim.Options.Activity).
	Activity *clock.Activity
}

// Agent runs tasks on a container runtime: one runner per task, woken by runtime
// events, desired-status changes and its own deadlines, with a goroutine while it works.
// Every runner ends when the task is STOPPED or the agent's context ends.
type Agent struct {
	cfg Config

	mu       sync.Mutex
	ctx      context.Context
	runners  map[string]*runner // by task ARN
	networks map[string]bool    // networks the agent created, removed on Shutdown
	warm     map[string]bool    // networks readied, with the pause image, for awsvpc tasks
	pool     pausePool
	tokens   map[string]tokenEntry
	creds    map[string]credEntry
	key      []byte // derives tokens and credentials IDs; see adopt.go
	wg       sync.WaitGroup
}

// New returns an agent; call Start before Launch.
func New(cfg Config) *Agent {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HostIP == "" {
		cfg.HostIP = "127.0.0.1"
	}
	return &Agent{cfg: cfg, runners: map[string]*runner{}, networks: map[string]bool{},
		tokens: map[string]tokenEntry{}, creds: map[string]credEntry{},
		pool: pausePool{size: max(cfg.PausePool, 0), idle: map[string][]string{}, filling: map[string]int{}, taken: map[string]string{}}}
}

// Start subscribes to runtime events and dispatches them to task runners until ctx
// ends. Runners launched later live until their task stops or ctx ends.
func (a *Agent) Start(ctx context.Context) error {
	key, err := loadKey(a.cfg.StateDir)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.ctx, a.key = ctx, key
	a.mu.Unlock()
	// Parked runners have no goroutine to see ctx end: wake them, and they end.
	context.AfterFunc(ctx, a.nudgeAll)
	events, errs := a.events(ctx)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for {
			err := a.dispatch(ctx, events, errs)
			// The stream ended (the engine restarted, say) but the agent goes on: without
			// events no runner would see its containers exit. Subscribe again after a
			// pause, then have every runner look, for what happened in between.
			if !a.sleep(ctx, resubscribeDelay, err) {
				return
			}
			events, errs = a.events(ctx)
			a.nudgeAll()
			a.cfg.Activity.Done() // the token the wake-up handed over (see sleep)
		}
	}()
	return nil
}

// events subscribes to the runtime's events, counted as work when the agent counts its
// activity and the runtime can (the simulated one).
func (a *Agent) events(ctx context.Context) (<-chan containers.Event, <-chan error) {
	if tr, ok := a.cfg.Runtime.(containers.TrackedEvents); ok && a.cfg.Activity != nil {
		return tr.TrackedEvents(ctx)
	}
	return a.cfg.Runtime.Events(ctx)
}

// resubscribeDelay is how long the agent waits before subscribing to runtime events
// again after the stream ended.
const resubscribeDelay = time.Second

// dispatch nudges the runner of each event's task until the stream or ctx ends, and
// returns the error the stream ended with (nil when it just closed, or ctx ended).
func (a *Agent) dispatch(ctx context.Context, events <-chan containers.Event, errs <-chan error) error {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				// The error, if any, is sent before both channels close: take it, so that
				// a tracked one's token is handed back.
				events = nil
				continue
			}
			if arn := ev.Labels[LabelTaskARN]; arn != "" {
				a.Nudge(arn)
			} else if ev.Labels[LabelPausePool] != "" {
				a.poolEvent(ev)
			}
			ev.Done()
		case err, ok := <-errs:
			if !ok {
				return nil
			}
			if err != nil && ctx.Err() == nil {
				a.cfg.Log.Error("runtime event stream ended; subscribing again", "err", err)
			}
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// sleep waits d on the agent's clock before it subscribes again; false when ctx ended
// first. Its activity accounting makes a Settle wait for the resubscription: the error
// the stream ended with (a tracked one holds a token) is handed back only once the
// timer is armed, and the timer hands a token over as it fires, which the caller holds
// on true until it has subscribed and nudged the runners.
func (a *Agent) sleep(ctx context.Context, d time.Duration, ended error) bool {
	if ctx.Err() != nil {
		containers.StreamErrorDone(ended)
		return false
	}
	done := make(chan struct{})
	t := a.cfg.Clock.AfterFunc(d, func() {
		a.cfg.Activity.Add(1)
		close(done)
	})
	containers.StreamErrorDone(ended)
	select {
	case <-done:
		return true
	case <-ctx.Done():
		if !t.Stop() {
			<-done // it fired: its token is given back here, not by the caller
			a.cfg.Activity.Done()
		}
		return false
	}
}

// nudgeAll wakes every runner.
func (a *Agent) nudgeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.runners {
		r.nudge()
	}
}

// Launch starts running a task the control plane has recorded.
func (a *Agent) Launch(taskARN string) { a.launch(taskARN, nil) }

func (a *Agent) launch(taskARN string, ad *adoption) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx == nil || a.runners[taskARN] != nil {
		return
	}
	r := &runner{a: a, arn: taskARN, ids: map[string]string{}, done: make(chan struct{}), adopted: ad}
	a.runners[taskARN] = r
	a.wg.Add(1)           // until the runner ends (runner.end)
	a.cfg.Activity.Add(1) // the runner's token, until it parks
	go r.run(a.ctx)
}

// Nudge wakes a task's runner to look again (its desired status or a container changed).
func (a *Agent) Nudge(taskARN string) {
	a.mu.Lock()
	r := a.runners[taskARN]
	a.mu.Unlock()
	if r != nil {
		r.nudge()
	}
}

// Shutdown stops every task the agent runs, recording reason as ECS records a
// termination notice, and waits until they are STOPPED or ctx ends. ecsmini calls it on
// the way out so that nothing keeps running unattended.
func (a *Agent) Shutdown(ctx context.Context, reason string) error {
	a.mu.Lock()
	runners := make([]*runner, 0, len(a.runners))
	for _, r := range a.runners {
		runners = append(runners, r)
	}
	a.mu.Unlock()
	for _, r := range runners {
		_, err := a.cfg.Store.UpdateTask(r.arn, func(t *ecs.Task) error {
			if t.DesiredStatus != ecs.StatusStopped {
				now := a.cfg.Clock.Now()
				t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopTerminationNotice, reason
				t.StoppingAt = ecs.At(now)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("stopping %s: %w", r.arn, err)
		}
		r.nudge()
	}
	for _, r := range runners {
		select {
		case <-r.done:
		case <-ctx.Done():
			return fmt.Errorf("tasks still stopping: %w", ctx.Err())
		}
	}
	// The warm pause containers go before the networks they are on.
	if err := a.drainPool(ctx); err != nil {
		return err
	}
	a.mu.Lock()
	nets := make([]string, 0, len(a.networks))
	for n := range a.networks {
		nets = append(nets, n)
	}
	a.mu.Unlock()
	for _, n := range nets {
		if err := a.cfg.Runtime.RemoveNetwork(ctx, n); err != nil {
			return fmt.Errorf("removing network %s: %w", n, err)
		}
	}
	return nil
}

// isWarm says whether the network and the pause image were readied before.
func (a *Agent) isWarm(network string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.warm[network]
}

func (a *Agent) setWarm(network string, warm bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.warm == nil {
		a.warm = map[string]bool{}
	}
	a.warm[network] = warm
}

func (a *Agent) ensuredNetwork(name string) {
	a.mu.Lock()
	a.networks[name] = true
	a.mu.Unlock()
}

// Wait blocks until every runner and the event dispatcher have ended (after the
// context given to Start ends).
func (a *Agent) Wait() { a.wg.Wait() }

// Running lists the ARNs of tasks with a live runner.
func (a *Agent) Running() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.runners))
	for arn := range a.runners {
		out = append(out, arn)
	}
	return out
}

// after wakes r after d of the agent's clock.
func (a *Agent) after(r *runner, d time.Duration) clock.Timer {
	return a.cfg.Clock.AfterFunc(d, r.nudge)
}

func (a *Agent) logf(taskARN, format string, args ...any) {
	a.cfg.Log.Info(fmt.Sprintf(format, args...), "task", taskARN)
}
