package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// runner drives one task. Only its goroutine touches its fields (but stopping). It has
// a goroutine only while it works: waiting for news it is parked, and the nudge that
// ends the wait starts a goroutine again (5,000 running tasks held 5,000 goroutines
// blocked in a wait, 6 to 8 KiB of stack each).
type runner struct {
	a    *Agent
	arn  string
	done chan struct{} // closed when the runner has ended
	// wakeMu guards woken, parked and retired. The runner holds one activity token
	// while it works and gives it up when it parks; the nudge that ends the park hands
	// it a token back. A nudge to a working runner carries none: it sets woken, which
	// the runner looks at before it parks.
	wakeMu  sync.Mutex
	woken   bool
	parked  bool
	retired bool

	info TaskInfo
	ids  map[string]string // container name → runtime ID
	// early are containers created ahead of their start while an awsvpc task's pause
	// container started (name → runtime ID); their start step starts them.
	early   map[string]string
	pauseID string
	// taskNet says the task has a pause container on the cluster's task network, whose
	// namespace its containers share: an awsvpc task, or a bridge-mode one of a service
	// with Service Connect (bridgeSC).
	taskNet, bridgeSC bool
	// warm is what to do for the pause pool after the first step (see warmPool).
	warm *warmAfter
	// pauseSeen is the pause container's state as this step (or provisioning) saw it.
	pauseSeen *containers.State
	network   string // runtime network mode of the task's containers
	// base is the URL of ecsmini's metadata server as the task's containers reach it
	// ("" when unreachable); loopback says the credentials full-URI form works.
	base     string
	loopback bool
	stopMu   sync.Mutex      // guards stopping, which a failed Stop's goroutine clears
	stopping map[string]bool // containers whose Stop is in flight
	adopted  *adoption       // set when taking over from a previous ecsmini
	// lostNetwork says why an adopted awsvpc task has no network (its pause container
	// was gone); looked is set after an adopted task's first step, and settledAt is when
	// an adopted task's containers had all exited, while ecsmini was not running.
	lostNetwork string
	looked      bool
	settledAt   time.Time
	timer       interface{ Stop() bool }

	// Resolved by prepare before the first container starts: the task's volumes, the
	// task-scoped ones to remove at the end, and each container's env files and secrets.
	prepared    bool
	volumes     map[string]TaskVolume
	taskVolumes []string
	envFiles    map[string]map[string]string
	secrets     map[string]map[string]string
}

// stopBegins marks a container's Stop in flight; false when it already is.
func (r *runner) stopBegins(container string) bool {
	r.stopMu.Lock()
	defer r.stopMu.Unlock()
	if r.stopping[container] {
		return false
	}
	if r.stopping == nil { // made on the first stop: most tasks run for long before one
		r.stopping = map[string]bool{}
	}
	r.stopping[container] = true
	return true
}

// stopFailed lets a container's Stop be tried again.
func (r *runner) stopFailed(container string) {
	r.stopMu.Lock()
	delete(r.stopping, container)
	r.stopMu.Unlock()
}

// nudge wakes the runner to look again.
func (r *runner) nudge() {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	switch {
	case r.retired:
	case r.parked:
		r.parked = false
		r.a.cfg.Activity.Add(1)
		go r.unpark(r.a.ctx)
	default:
		r.woken = true
	}
}

// retire ends nudging once the runner has ended.
func (r *runner) retire() {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	r.retired = true
}

// parkResult is what park did.
type parkResult int

const (
	parkWoken  parkResult = iota // news arrived while the runner worked: step again
	parkParked                   // parked: the goroutine leaves, a nudge resumes
	parkEnded                    // the agent is ending: the runner ends
)

// park parks the runner until a nudge, giving up its activity token, unless news
// arrived while it worked or ctx ended.
func (r *runner) park(ctx context.Context) parkResult {
	if ctx.Err() != nil {
		return parkEnded // the agent is ending: a runner that keeps nudging itself must still stop
	}
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	if r.woken {
		r.woken = false
		return parkWoken
	}
	r.parked = true
	r.a.cfg.Activity.Done()
	return parkParked
}

// run takes the task from PROVISIONING to STOPPED (or until ctx ends), on as many
// goroutines in turn as it parks.
func (r *runner) run(ctx context.Context) {
	task, td, err := r.a.cfg.Store.Task(r.arn)
	if err != nil {
		r.a.cfg.Log.Error("task vanished before it ran", "task", r.arn, "err", err)
		r.end()
		return
	}
	r.info = taskInfo(task, td, r.a.cfg.Region, r.a.cfg.Account)
	r.info.StateDir = r.a.cfg.StateDir
	r.bridgeSC = r.bridgeServiceConnect()
	r.taskNet = r.info.NetworkMode == ecs.NetworkAwsvpc || r.bridgeSC
	if r.adopted != nil {
		r.resume(ctx, r.adopted, task)
		r.registerAll(task, td)
	} else if task.DesiredStatus == ecs.StatusRunning && task.LastStatus == ecs.StatusProvisioning {
		// The volumes, env files, secrets and images are readied (and the first
		// containers of a task with a task network created) while its pause container
		// starts.
		if err := r.provision(ctx, task, td, func() error {
			if err := r.prepare(ctx, task, td); err != nil {
				return err
			}
			if err := r.pull(ctx, td); err != nil {
				return err
			}
			r.createEarly(ctx, task, td)
			return nil
		}); err != nil {
			r.failStart(err)
		}
	}
	r.loop(ctx)
}

// unpark is a parked runner's new goroutine: it steps again unless the agent is ending.
func (r *runner) unpark(ctx context.Context) {
	if ctx.Err() != nil {
		r.end()
		return
	}
	r.loop(ctx)
}

// loop steps until the task is STOPPED, ctx ends or the runner parks.
func (r *runner) loop(ctx context.Context) {
	for {
		done, err := r.step(ctx)
		if err != nil {
			r.a.cfg.Log.Error("task step failed", "task", r.arn, "err", err)
		}
		if !done {
			r.warmPool(ctx)
		}
		if done {
			r.end()
			return
		}
		switch r.park(ctx) {
		case parkParked:
			return
		case parkEnded:
			r.end()
			return
		}
	}
}

// end forgets the ended runner and hands its activity token back.
func (r *runner) end() {
	a := r.a
	a.mu.Lock()
	delete(a.runners, r.arn)
	a.mu.Unlock()
	r.retire()
	a.cfg.Activity.Done()
	close(r.done)
	a.wg.Done()
}

func taskInfo(t *ecs.Task, td *ecs.TaskDefinition, region, account string) TaskInfo {
	a, _ := ecs.ParseARN(t.TaskArn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	cpu, _ := strconv.Atoi(t.Cpu)
	mem, _ := strconv.Atoi(t.Memory)
	return TaskInfo{ARN: t.TaskArn, ID: id, ClusterName: cluster, ClusterARN: t.ClusterArn, Family: td.Family,
		Revision: td.Revision, LaunchType: t.LaunchType, NetworkMode: ecs.Deref(td.NetworkMode),
		CPU: cpu, Memory: mem, Region: region, Account: account, ContainerInstanceARN: t.ContainerInstanceArn,
		LocalBinds: localBinds(t.Tags)}
}

// localBinds reads the task's LocalBindTagPrefix tags.
func localBinds(tags []ecs.Tag) map[string]string {
	var out map[string]string
	for _, tag := range tags {
		if name, ok := strings.CutPrefix(ecs.Deref(tag.Key), LocalBindTagPrefix); ok && name != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = ecs.Deref(tag.Value)
		}
	}
	return out
}

// update commits a change to the task.
func (r *runner) update(change func(t *ecs.Task) error) (*ecs.Task, error) {
	return r.a.cfg.Store.UpdateTask(r.arn, change)
}

// failStart stops a task that could not start, as ECS does: stop code
// TaskFailedToStart with the error as reason. An error that the agent's own ending
// caused (its context cancelled under a runtime call) is not the task's failure: the
// agent records nothing, as a crashed agent could not, and the next ecsmini adopts the
// task.
func (r *runner) failStart(err error) {
	if r.a.ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return
	}
	reason := err.Error()
	_, uerr := r.update(func(t *ecs.Task) error {
		if t.DesiredStatus == ecs.StatusStopped {
			return nil
		}
		now := r.a.cfg.Clock.Now()
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopTaskFailedToStart, reason
		t.StoppingAt, t.ExecutionStoppedAt = ecs.At(now), ecs.At(now)
		return nil
	})
	if uerr != nil {
		r.a.cfg.Log.Error("recording a failed start", "task", r.arn, "err", uerr)
	}
}

// provision prepares the task's network: for a task network (awsvpc, or bridge with
// Service Connect) a pause container on the cluster's network holds the namespace every
// container joins and publishes the task's ports. ready readies the rest of the task:
// while the pause container starts (starting it takes the engine longest: the
// namespace, the veth pair, the bridge), otherwise after the network. The first error
// wins, the network's first.
func (r *runner) provision(ctx context.Context, task *ecs.Task, td *ecs.TaskDefinition, ready func() error) error {
	if err := r.provisionNetwork(ctx, task, td, ready); err != nil {
		return err
	}
	if !r.taskNet {
		return ready()
	}
	return nil
}

// bridgeServiceConnect reports a bridge-mode task of a service with Service Connect,
// which gets a task network (see ServiceConnectStore).
func (r *runner) bridgeServiceConnect() bool {
	if mode := r.info.NetworkMode; mode != "" && mode != ecs.NetworkBridge {
		return false
	}
	s, ok := r.a.cfg.Store.(ServiceConnectStore)
	return ok && s.ServiceConnect(r.arn)
}

func (r *runner) provisionNetwork(ctx context.Context, task *ecs.Task, td *ecs.TaskDefinition, ready func() error) error {
	switch {
	case r.taskNet:
		if err := r.provisionTaskNetwork(ctx, td, ready); err != nil {
			return err
		}
	case r.info.NetworkMode == ecs.NetworkNone:
		r.network = ecs.NetworkNone
	case r.info.NetworkMode == ecs.NetworkHost:
		r.network = ecs.NetworkHost
		if reach, err := r.reach(ctx, ""); err == nil && reach != "" {
			r.base, r.loopback = "http://"+reach, true
		}
	default:
		r.network = ecs.NetworkBridge
		reach, err := r.reach(ctx, ecs.NetworkBridge)
		if err != nil {
			r.a.cfg.Log.Error("metadata endpoint unreachable from the bridge network", "task", r.arn, "err", err)
		} else if reach != "" {
			r.base = "http://" + reach
		}
	}
	now := r.a.cfg.Clock.Now()
	_, err := r.update(func(t *ecs.Task) error {
		if t.LastStatus.CanMove(ecs.StatusPending) {
			t.LastStatus = ecs.StatusPending
		}
		t.Connectivity, t.ConnectivityAt = "CONNECTED", ecs.At(now)
		return nil
	})
	return err
}

// startPause gives the task a running pause container of spec, warm from the pool
// when it has one (then only ready is left to do), else created and started now while
// ready runs. ensure readies the network and the pause image again when a create finds
// either gone (warm says they were taken as there). It returns the container's state
// and, for a pooled one, its ID.
func (r *runner) startPause(ctx context.Context, spec containers.Spec, warm bool, ensure, ready func() error) (containers.State, string, error) {
	if st, ok := r.a.takePause(ctx, r.arn, spec); ok {
		r.pauseID, r.network = st.ID, "container:"+st.ID
		return st, st.ID, ready()
	}
	st, err := r.startColdPause(ctx, spec, warm, ensure, ready)
	return st, "", err
}

// startColdPause creates and starts the task's pause container while ready runs.
func (r *runner) startColdPause(ctx context.Context, spec containers.Spec, warm bool, ensure, ready func() error) (containers.State, error) {
	rt := r.a.cfg.Runtime
	id, err := rt.Create(ctx, spec)
	if warm && (errors.Is(err, containers.ErrNotFound) || errors.Is(err, containers.ErrImageNotFound)) {
		r.a.setWarm(spec.NetworkMode, false)
		if err := ensure(); err != nil {
			return containers.State{}, err
		}
		id, err = rt.Create(ctx, spec)
	}
	if err != nil {
		return containers.State{}, fmt.Errorf("ResourceInitializationError: failed to start the task network namespace: %w", err)
	}
	r.pauseID = id // from here on deprovision removes it, even if it cannot start
	r.network = "container:" + id
	readied := make(chan error, 1)
	go func() { readied <- ready() }()
	err = rt.Start(ctx, id)
	readyErr := <-readied
	if err != nil {
		return containers.State{}, fmt.Errorf("ResourceInitializationError: failed to start the task network namespace: %w", err)
	}
	if readyErr != nil {
		return containers.State{}, readyErr
	}
	st, err := rt.Inspect(ctx, id)
	if err != nil {
		return containers.State{}, fmt.Errorf("ResourceInitializationError: %w", err)
	}
	return st, nil
}

// warmAfter is what a runner does for the pause pool after its task's first step, when
// the engine is no longer busy starting the task: warm another pause container of its
// shape, and give a pooled one it took its task's name.
type warmAfter struct {
	spec    containers.Spec
	cluster map[string]string // the cluster's labels
	pooled  string            // the ID of the pooled pause container the task took
}

// warmPool does the runner's warmAfter, once.
func (r *runner) warmPool(ctx context.Context) {
	w := r.warm
	if w == nil {
		return
	}
	r.warm = nil
	if w.pooled != "" {
		if rn, ok := r.a.cfg.Runtime.(containers.Renamer); ok {
			r.a.cfg.Activity.Add(1)
			go func() {
				defer r.a.cfg.Activity.Done()
				// A task that ended first took the container with it: nothing to name.
				if err := rn.Rename(ctx, w.pooled, w.spec.Name); err != nil && !isGone(err) && ctx.Err() == nil {
					r.a.cfg.Log.Error("naming the pause container after its task", "task", r.arn, "err", err)
				}
			}()
		}
	}
	r.a.refillPause(ctx, w.spec, w.cluster)
}

// taskDNSAddr is where an awsvpc task's DNS server listens in the task's network
// namespace: loopback port 53, the only address resolv.conf can name there.
const taskDNSAddr = "127.0.0.1:53"

// clusterNetwork names the runtime network of a cluster's awsvpc tasks. The name carries
// a short hash of the state directory, so that two ecsmini instances on one engine (say,
// parallel CI jobs) never share, or remove, each other's networks.
func clusterNetwork(stateDir, cluster string) string {
	sum := sha256.Sum256([]byte(stateDir))
	return "ecsmini-" + hex.EncodeToString(sum[:3]) + "-" + cluster
}

// reach asks where the metadata server is seen from network; "" when no Endpoints.
func (r *runner) reach(ctx context.Context, network string) (string, error) {
	if r.a.cfg.Endpoints == nil {
		return "", nil
	}
	return r.a.cfg.Endpoints.Reach(ctx, network)
}

func macFor(id string) string {
	return "0a:" + id[0:2] + ":" + id[2:4] + ":" + id[4:6] + ":" + id[6:8] + ":" + id[8:10]
}

// pull makes every image present; an image that is neither present nor pullable fails
// the task with ECS's CannotPullContainerError.
func (r *runner) pull(ctx context.Context, td *ecs.TaskDefinition) error {
	start := r.a.cfg.Clock.Now()
	digests := map[string]string{}
	var pullErr error
	failed := ""
	for _, cd := range td.ContainerDefinitions {
		img, err := r.a.cfg.Runtime.EnsureImage(ctx, ecs.Deref(cd.Image))
		if err != nil {
			pullErr = fmt.Errorf("CannotPullContainerError: pull image %s: %w", ecs.Deref(cd.Image), err)
			failed = ecs.Deref(cd.Name)
			break
		}
		digests[ecs.Deref(cd.Name)] = firstNonEmpty(img.Digest, img.ID)
	}
	stop := r.a.cfg.Clock.Now()
	_, err := r.update(func(t *ecs.Task) error {
		t.PullStartedAt, t.PullStoppedAt = ecs.At(start), ecs.At(stop)
		for i := range t.Containers {
			t.Containers[i].ImageDigest = digests[t.Containers[i].Name]
			if pullErr != nil && t.Containers[i].Name == failed {
				t.Containers[i].Reason = pullErr.Error()
			}
		}
		return nil
	})
	if pullErr != nil {
		return pullErr
	}
	return err
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// isGone reports a container the runtime no longer knows.
func isGone(err error) bool { return errors.Is(err, containers.ErrNotFound) }
