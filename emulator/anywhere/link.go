// Package anywhere is ECS Anywhere's remote side: the agents (`ecsmini agent` on
// another machine) that run the tasks of their external instances, their poll for work
// (also their heartbeat), the disconnection of a silent agent's instance (a step of
// the control loop), and the agent-side operations they report with. External
// instances register through package instances.
package anywhere

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/instances"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Remote agents (`ecsmini agent` on another machine) run the tasks placed on their
// external instances. They poll ecsmini for the instance's work (AgentPoll, which is
// also their heartbeat) and report what their tasks do with the agent-side operations
// (agentops.go). The local agent never runs those tasks: the facade's task router asks
// RemoteInstance and wakes the agent's poll (Signal) instead.

// Defaults of the agent link (see SetTimeouts).
const (
	// AgentHeartbeatTimeout: an instance whose agent has not polled for this long shows
	// agentConnected false. The ECS agent gives up on a silent ACS session after a minute.
	AgentHeartbeatTimeout = time.Minute
	// AgentTaskGrace: the service tasks of an instance disconnected for this long are
	// recorded STOPPED, so their services replace them elsewhere (ecsmini's choice).
	AgentTaskGrace = 5 * time.Minute
)

// Host is what the remote agents' bookkeeping needs of the facade.
type Host interface {
	// UpdateTask commits a change to a task and publishes it.
	UpdateTask(arn string, change func(t *ecs.Task) error) (*ecs.Task, error)
	// EmitTasks publishes Task State Change events.
	EmitTasks(tasks ...*ecs.Task)
	// MarkDirty has the service scheduler look at a service again.
	MarkDirty(serviceKey string)
}

// Agents is the bookkeeping of remote agents: when each was last heard from (not
// journalled: after a restart every agent starts afresh) and a channel per instance
// that closes when its work changes, which a pending poll waits on.
type Agents struct {
	st   *state.State
	h    Host
	inst *instances.Ops

	mu      sync.Mutex
	seen    map[string]time.Time
	changed map[string]chan struct{}
	timeout time.Duration
	grace   time.Duration
}

// New returns the remote agents' bookkeeping over st; inst announces the instances
// whose agent connects or goes silent.
func New(st *state.State, h Host, inst *instances.Ops) *Agents {
	return &Agents{st: st, h: h, inst: inst, seen: map[string]time.Time{}, changed: map[string]chan struct{}{},
		timeout: AgentHeartbeatTimeout, grace: AgentTaskGrace}
}

// SetTimeouts changes how long a remote agent may be silent before its instance
// shows disconnected, and how long after that its service tasks are replaced.
func (ag *Agents) SetTimeouts(heartbeat, grace time.Duration) {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	if heartbeat > 0 {
		ag.timeout = heartbeat
	}
	if grace > 0 {
		ag.grace = grace
	}
}

// Heartbeat records that arn's agent was heard from at now.
func (ag *Agents) Heartbeat(arn string, now time.Time) {
	ag.mu.Lock()
	ag.seen[arn] = now
	ag.mu.Unlock()
}

// lastSeen is when arn's agent was last heard from; an agent never heard from by this
// ecsmini counts as heard from now.
func (ag *Agents) lastSeen(arn string, now time.Time) time.Time {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	t, ok := ag.seen[arn]
	if !ok {
		ag.seen[arn] = now
		return now
	}
	return t
}

func (ag *Agents) durations() (time.Duration, time.Duration) {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	return ag.timeout, ag.grace
}

// changes is closed when arn's work next changes.
func (ag *Agents) changes(arn string) <-chan struct{} {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	ch, ok := ag.changed[arn]
	if !ok {
		ch = make(chan struct{})
		ag.changed[arn] = ch
	}
	return ch
}

// Signal wakes the polls waiting for arn's work.
func (ag *Agents) Signal(arn string) {
	ag.mu.Lock()
	defer ag.mu.Unlock()
	if ch, ok := ag.changed[arn]; ok {
		close(ch)
		delete(ag.changed, arn)
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
func (ag *Agents) AgentPoll(ctx context.Context, cluster, instance string) (*AgentWork, <-chan struct{}, error) {
	now := ag.st.Clock.Now()
	var arn string
	var reconnected bool
	err := ag.st.Store.Update(func(tx *store.Tx) error {
		ck, _, err := ag.st.ActiveCluster(ctx, cluster)
		if err != nil {
			return err
		}
		ik, r, err := ag.st.FindInstance(ck, instance)
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
			ag.inst.Reconnect(tx, ik, r)
			reconnected = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	ag.Heartbeat(arn, now)
	if reconnected {
		ag.inst.Changed(arn)
	}
	wait := ag.changes(arn)
	return ag.agentWork(arn), wait, nil
}

// agentWork lists the unfinished tasks placed on instance arn as the agent reads them
// (see Task: a task draining from its load balancer still wants RUNNING). Each task
// definition is decoded once per poll, however many tasks share it.
func (ag *Agents) agentWork(arn string) *AgentWork {
	w := &AgentWork{ContainerInstanceArn: arn, Tasks: []AgentTask{}}
	a, _ := ecs.ParseARN(arn)
	cluster, _, _ := strings.Cut(a.Path(), "/")
	prefix := state.Key(a.Region, cluster) + "\x00"
	var recs []*state.Task
	defs := map[string]*state.TaskDef{}
	ag.st.Store.View(func() {
		ag.st.Tasks.Ascend(prefix, func(k string, r *state.Task) bool {
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
				defs[r.Task.TaskDefinitionArn], _ = ag.st.TaskDefs.Get(state.Key(ta.Region, family, state.RevKey(n)))
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

// OnRemote says whether a task is placed on a remote agent's instance. Call it inside a
// store view or transaction.
func (ag *Agents) OnRemote(t *ecs.Task) bool {
	if t.ContainerInstanceArn == "" {
		return false
	}
	r, ok := ag.st.Instances.Get(state.InstanceKeyOf(t.ContainerInstanceArn))
	return ok && r.Remote
}

// RemoteInstance is the remote agent's instance a task is placed on, or "" when the
// task runs here (or is gone).
func (ag *Agents) RemoteInstance(taskARN string) string {
	var arn string
	ag.st.Store.View(func() {
		a, _ := ecs.ParseARN(taskARN)
		cluster, id, _ := strings.Cut(a.Path(), "/")
		if tr, ok := ag.st.Tasks.Get(state.TaskKey(a.Region, cluster, id)); ok && ag.OnRemote(tr.Task) {
			arn = tr.Task.ContainerInstanceArn
		}
	})
	return arn
}

// Reconcile marks instances whose agent went silent disconnected, and records
// STOPPED the service tasks of instances disconnected for longer than the grace, so
// that their services replace them. It returns when it next falls due.
func (ag *Agents) Reconcile(now time.Time) time.Time {
	timeout, grace := ag.durations()
	var next time.Time
	at := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	var silent, expired []string
	ag.st.Store.View(func() {
		ag.st.Instances.Ascend("", func(k string, r *state.Instance) bool {
			if !r.Remote || r.Instance.Status == ecs.InstanceInactive {
				return true
			}
			arn := r.Instance.ContainerInstanceArn
			if r.Instance.AgentConnected {
				due := ag.lastSeen(arn, now).Add(timeout)
				if !now.Before(due) {
					silent = append(silent, k)
				} else {
					at(due)
				}
				return true
			}
			if r.DisconnectedAt != nil && ag.hasServiceTasks(k, arn) {
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
	err := ag.st.Store.Update(func(tx *store.Tx) error {
		for _, ik := range silent {
			r, ok := ag.st.Instances.Get(ik)
			if !ok || !r.Instance.AgentConnected {
				continue
			}
			n := *r
			ci := *r.Instance
			ci.AgentConnected, ci.Version = false, ci.Version+1
			n.Instance, n.DisconnectedAt = &ci, &now
			ag.st.Instances.Put(tx, ik, &n)
			changed = append(changed, ci.ContainerInstanceArn)
			at(now.Add(grace))
		}
		for _, ik := range expired {
			r, ok := ag.st.Instances.Get(ik)
			if !ok || r.Instance.AgentConnected {
				continue
			}
			s, svc := ag.stopDisconnected(tx, r, now, grace)
			stopped, services = append(stopped, s...), append(services, svc...)
			changed = append(changed, r.Instance.ContainerInstanceArn)
		}
		return nil
	})
	if err != nil {
		ag.st.LogError("agent link", err)
		return next
	}
	ag.h.EmitTasks(stopped...)
	for _, s := range services {
		ag.h.MarkDirty(s)
	}
	for _, arn := range changed {
		ag.Signal(arn)
	}
	ag.inst.Changed(changed...)
	return next
}

// hasServiceTasks says whether a service task still counts as running on instance arn
// (key ik). Call it inside a store view.
func (ag *Agents) hasServiceTasks(ik, arn string) bool {
	prefix := ik[:strings.LastIndexByte(ik, 0)+1]
	found := false
	ag.st.Tasks.Ascend(prefix, func(k string, r *state.Task) bool {
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
func (ag *Agents) stopDisconnected(tx *store.Tx, r *state.Instance, now time.Time, grace time.Duration) ([]*ecs.Task, []string) {
	arn := r.Instance.ContainerInstanceArn
	a, _ := ecs.ParseARN(arn)
	prefix := state.Key(a.Region, r.ClusterName) + "\x00"
	var out []*ecs.Task
	var services []string
	reason := fmt.Sprintf("Container instance %s: its agent has been disconnected for %s", arn[strings.LastIndexByte(arn, '/')+1:], grace)
	ag.st.Tasks.Ascend(prefix, func(k string, tr *state.Task) bool {
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
		ag.st.Tasks.Put(tx, k, &next)
		out, services = append(out, t), append(services, tr.Service)
		return true
	})
	return out, services
}

// HeartbeatTimeout is how long a remote agent may be silent before its instance
// shows disconnected: agents poll more often than that.
func (ag *Agents) HeartbeatTimeout() time.Duration {
	t, _ := ag.durations()
	return t
}
