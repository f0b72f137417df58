package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Remote agents (`ecsmini agent` on another machine) run the tasks placed on their
// external instances. They poll ecsmini for the instance's work (AgentPoll, which is
// also their heartbeat) and report what their tasks do with the agent-side operations
// (anywhere_ops.go). The local agent never runs those tasks: taskRouter hands them to
// the link instead.

// Defaults of the agent link (see SetAgentTimeouts).
const (
	// AgentHeartbeatTimeout: an instance whose agent has not polled for this long shows
	// agentConnected false. The ECS agent gives up on a silent ACS session after a minute.
	AgentHeartbeatTimeout = time.Minute
	// AgentTaskGrace: the service tasks of an instance disconnected for this long are
	// recorded STOPPED, so their services replace them elsewhere (ecsmini's choice).
	AgentTaskGrace = 5 * time.Minute
)

// agentLink is the bookkeeping of remote agents: when each was last heard from (not
// journalled: after a restart every agent starts afresh) and a channel per instance
// that closes when its work changes, which a pending poll waits on.
type agentLink struct {
	mu      sync.Mutex
	seen    map[string]time.Time
	changed map[string]chan struct{}
	timeout time.Duration
	grace   time.Duration
}

func newAgentLink() *agentLink {
	return &agentLink{seen: map[string]time.Time{}, changed: map[string]chan struct{}{},
		timeout: AgentHeartbeatTimeout, grace: AgentTaskGrace}
}

// SetAgentTimeouts changes how long a remote agent may be silent before its instance
// shows disconnected, and how long after that its service tasks are replaced.
func (e *Emulator) SetAgentTimeouts(heartbeat, grace time.Duration) {
	e.link.mu.Lock()
	defer e.link.mu.Unlock()
	if heartbeat > 0 {
		e.link.timeout = heartbeat
	}
	if grace > 0 {
		e.link.grace = grace
	}
}

func (l *agentLink) heartbeat(arn string, now time.Time) {
	l.mu.Lock()
	l.seen[arn] = now
	l.mu.Unlock()
}

// lastSeen is when arn's agent was last heard from; an agent never heard from by this
// ecsmini counts as heard from now.
func (l *agentLink) lastSeen(arn string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.seen[arn]
	if !ok {
		l.seen[arn] = now
		return now
	}
	return t
}

func (l *agentLink) durations() (time.Duration, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.timeout, l.grace
}

// changes is closed when arn's work next changes.
func (l *agentLink) changes(arn string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, ok := l.changed[arn]
	if !ok {
		ch = make(chan struct{})
		l.changed[arn] = ch
	}
	return ch
}

// signal wakes the polls waiting for arn's work.
func (l *agentLink) signal(arn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch, ok := l.changed[arn]; ok {
		close(ch)
		delete(l.changed, arn)
	}
}

// AgentTask is a task of a remote agent's instance with the definition it runs.
type AgentTask struct {
	Task           *ecs.Task           `json:"task"`
	TaskDefinition *ecs.TaskDefinition `json:"taskDefinition"`
}

// AgentWork is what a remote agent's instance should run: every task placed on it
// that is not STOPPED. Version changes when a task arrives, leaves or is told to stop.
type AgentWork struct {
	ContainerInstanceArn string      `json:"containerInstanceArn"`
	Version              string      `json:"version"`
	Tasks                []AgentTask `json:"tasks"`
}

// AgentPoll records a heartbeat of the agent of a remote instance (reconnecting it if it
// showed disconnected) and returns the instance's work, and a channel that closes when
// that work changes.
func (e *Emulator) AgentPoll(ctx context.Context, cluster, instance string) (*AgentWork, <-chan struct{}, error) {
	now := e.st.Clock.Now()
	var arn string
	var reconnected bool
	err := e.store.Update(func(tx *store.Tx) error {
		ck, _, err := e.st.ActiveCluster(ctx, cluster)
		if err != nil {
			return err
		}
		ik, r, err := e.st.FindInstance(ck, instance)
		if err != nil {
			return err
		}
		switch {
		case r.Instance.Status == ecs.InstanceInactive:
			return ecs.Errorf("InactiveInstanceException", "The container instance %s is deregistered.", r.Instance.ContainerInstanceArn)
		case !r.Remote:
			return ecs.InvalidParameter("The container instance %s is not an external instance registered by an agent.", r.Instance.ContainerInstanceArn)
		}
		arn = r.Instance.ContainerInstanceArn
		if !r.Instance.AgentConnected {
			e.reconnect(tx, ik, r)
			reconnected = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	e.link.heartbeat(arn, now)
	if reconnected {
		e.instancesChanged(arn)
	}
	wait := e.link.changes(arn)
	return e.agentWork(arn), wait, nil
}

// agentWork lists the unfinished tasks placed on instance arn as the agent reads them
// (see Task: a task draining from its load balancer still wants RUNNING). Each task
// definition is decoded once per poll, however many tasks share it.
func (e *Emulator) agentWork(arn string) *AgentWork {
	w := &AgentWork{ContainerInstanceArn: arn, Tasks: []AgentTask{}}
	a, _ := ecs.ParseARN(arn)
	cluster, _, _ := strings.Cut(a.Path(), "/")
	prefix := state.Key(a.Region, cluster) + "\x00"
	var recs []*taskRecord
	defs := map[string]*taskDefRecord{}
	e.store.View(func() {
		e.tasks.Ascend(prefix, func(k string, r *taskRecord) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if r.Task.ContainerInstanceArn != arn || r.Task.LastStatus == ecs.StatusStopped {
				return true
			}
			recs = append(recs, r)
			if _, ok := defs[r.Task.TaskDefinitionArn]; !ok {
				ta, _ := ecs.ParseARN(r.Task.TaskDefinitionArn)
				family, rev, _ := strings.Cut(ta.Path(), ":")
				n, _ := state.AtoiPositive(rev)
				defs[r.Task.TaskDefinitionArn], _ = e.taskDefs.Get(state.Key(ta.Region, family, state.RevKey(n)))
			}
			return true
		})
	})
	decoded := map[string]*ecs.TaskDefinition{}
	h := sha256.New()
	for _, r := range recs {
		td, ok := decoded[r.Task.TaskDefinitionArn]
		if !ok {
			if rec := defs[r.Task.TaskDefinitionArn]; rec != nil {
				if d, err := rec.Decode(); err == nil {
					td = d
				}
			}
			decoded[r.Task.TaskDefinitionArn] = td
		}
		if td == nil {
			continue // its definition is gone: nothing an agent could run
		}
		t := state.CloneTask(r.Task)
		if r.Draining && t.LastStatus < ecs.StatusStopping {
			t.DesiredStatus = ecs.StatusRunning
		}
		w.Tasks = append(w.Tasks, AgentTask{Task: t, TaskDefinition: td})
		fmt.Fprintf(h, "%s %s\n", t.TaskArn, t.DesiredStatus)
	}
	w.Version = hex.EncodeToString(h.Sum(nil))[:16]
	return w
}

// onRemote says whether a task is placed on a remote agent's instance. Call it inside a
// store view or transaction.
func (e *Emulator) onRemote(t *ecs.Task) bool {
	if t.ContainerInstanceArn == "" {
		return false
	}
	r, ok := e.instances.Get(state.InstanceKeyOf(t.ContainerInstanceArn))
	return ok && r.Remote
}

// taskRouter is the TaskRunner the emulator drives: tasks on remote instances wake
// their agent's poll, every other task goes to the local agent.
type taskRouter struct {
	e     *Emulator
	local TaskRunner
}

func (r *taskRouter) remoteInstance(taskARN string) string {
	var arn string
	r.e.store.View(func() {
		a, _ := ecs.ParseARN(taskARN)
		cluster, id, _ := strings.Cut(a.Path(), "/")
		if tr, ok := r.e.tasks.Get(state.TaskKey(a.Region, cluster, id)); ok && r.e.onRemote(tr.Task) {
			arn = tr.Task.ContainerInstanceArn
		}
	})
	return arn
}

func (r *taskRouter) Launch(taskARN string) {
	if inst := r.remoteInstance(taskARN); inst != "" {
		r.e.link.signal(inst)
		return
	}
	r.local.Launch(taskARN)
}

func (r *taskRouter) Nudge(taskARN string) {
	if inst := r.remoteInstance(taskARN); inst != "" {
		r.e.link.signal(inst)
		return
	}
	r.local.Nudge(taskARN)
}

// reconcileAgents marks instances whose agent went silent disconnected, and records
// STOPPED the service tasks of instances disconnected for longer than the grace, so
// that their services replace them. It returns when it next falls due.
func (e *Emulator) reconcileAgents(now time.Time) time.Time {
	timeout, grace := e.link.durations()
	var next time.Time
	at := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	var silent, expired []string
	e.store.View(func() {
		e.instances.Ascend("", func(k string, r *instanceRecord) bool {
			if !r.Remote || r.Instance.Status == ecs.InstanceInactive {
				return true
			}
			arn := r.Instance.ContainerInstanceArn
			if r.Instance.AgentConnected {
				due := e.link.lastSeen(arn, now).Add(timeout)
				if !now.Before(due) {
					silent = append(silent, k)
				} else {
					at(due)
				}
				return true
			}
			if r.DisconnectedAt != nil && e.hasServiceTasks(k, arn) {
				due := r.DisconnectedAt.Add(grace)
				if !now.Before(due) {
					expired = append(expired, k)
				} else {
					at(due)
				}
			}
			return true
		})
	})
	if len(silent) == 0 && len(expired) == 0 {
		return next
	}
	var changed []string
	var stopped []*ecs.Task
	var services []string
	err := e.store.Update(func(tx *store.Tx) error {
		for _, ik := range silent {
			r, ok := e.instances.Get(ik)
			if !ok || !r.Instance.AgentConnected {
				continue
			}
			n := *r
			ci := *r.Instance
			ci.AgentConnected, ci.Version = false, ci.Version+1
			n.Instance, n.DisconnectedAt = &ci, &now
			e.instances.Put(tx, ik, &n)
			changed = append(changed, ci.ContainerInstanceArn)
			at(now.Add(grace))
		}
		for _, ik := range expired {
			r, ok := e.instances.Get(ik)
			if !ok || r.Instance.AgentConnected {
				continue
			}
			s, svc := e.stopDisconnected(tx, r, now, grace)
			stopped, services = append(stopped, s...), append(services, svc...)
			changed = append(changed, r.Instance.ContainerInstanceArn)
		}
		return nil
	})
	if err != nil {
		e.st.LogError("agent link", err)
		return next
	}
	e.ev.Tasks(stopped...)
	for _, s := range services {
		e.ctl.MarkDirty(s)
	}
	for _, arn := range changed {
		e.link.signal(arn)
	}
	e.instancesChanged(changed...)
	return next
}

// hasServiceTasks says whether a service task still counts as running on instance arn
// (key ik). Call it inside a store view.
func (e *Emulator) hasServiceTasks(ik, arn string) bool {
	prefix := ik[:strings.LastIndexByte(ik, 0)+1]
	found := false
	e.tasks.Ascend(prefix, func(k string, r *taskRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		found = r.Service != "" && r.Task.ContainerInstanceArn == arn && r.Task.LastStatus != ecs.StatusStopped
		return !found
	})
	return found
}

// stopDisconnected records STOPPED the service tasks on a disconnected instance. Its
// agent, when it comes back, no longer finds them in its work and stops their
// containers.
func (e *Emulator) stopDisconnected(tx *store.Tx, r *instanceRecord, now time.Time, grace time.Duration) ([]*ecs.Task, []string) {
	arn := r.Instance.ContainerInstanceArn
	a, _ := ecs.ParseARN(arn)
	prefix := state.Key(a.Region, r.ClusterName) + "\x00"
	var out []*ecs.Task
	var services []string
	reason := fmt.Sprintf("Container instance %s: its agent has been disconnected for %s", arn[strings.LastIndexByte(arn, '/')+1:], grace)
	e.tasks.Ascend(prefix, func(k string, tr *taskRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if tr.Service == "" || tr.Task.ContainerInstanceArn != arn || tr.Task.LastStatus == ecs.StatusStopped {
			return true
		}
		t := state.CloneTask(tr.Task)
		t.DesiredStatus, t.LastStatus = ecs.StatusStopped, ecs.StatusStopped
		t.StopCode, t.StoppedReason = ecs.StopServiceSchedulerInitiated, reason
		if t.StoppingAt == nil {
			t.StoppingAt = ecs.At(now)
		}
		t.StoppedAt, t.ExecutionStoppedAt = ecs.At(now), ecs.At(now)
		for i := range t.Containers {
			t.Containers[i].LastStatus = ecs.ContainerStopped
			t.Containers[i].NetworkBindings = []ecs.NetworkBinding{}
		}
		t.Version++
		next := *tr
		next.Task = t
		e.tasks.Put(tx, k, &next)
		out, services = append(out, t), append(services, tr.Service)
		return true
	})
	return out, services
}

// AgentHeartbeatTimeout is how long a remote agent may be silent before its instance
// shows disconnected: agents poll more often than that.
func (e *Emulator) AgentHeartbeatTimeout() time.Duration {
	t, _ := e.link.durations()
	return t
}
