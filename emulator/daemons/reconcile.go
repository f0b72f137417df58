package daemons

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Host is what the daemon reconciler asks of the rest of the control plane.
type Host interface {
	// NewTask is a new task of td as RunTask would make it (not yet admitted).
	NewTask(sc ecs.Scope, c *ecs.Cluster, td *ecs.TaskDefinition, in *ecs.RunTaskInput, launch, provider string) *ecs.Task
	// Launch hands recorded tasks to the agent; Nudge tells it a desired status changed.
	Launch(taskARNs ...string)
	Nudge(taskARN string)
	// EmitTasks publishes ECS Task State Change events.
	EmitTasks(tasks ...*ecs.Task)
}

// RestartDelay is the least time between two starts of a daemon's task on one
// instance, so that a task that fails at once is retried, not restarted in a loop at
// one instant of the emulator clock.
const RestartDelay = 10 * time.Second

// DefaultDrainPercent is the share of a daemon's instances whose task a deployment
// replaces at a time when its deploymentConfiguration sets no drainPercent.
const DefaultDrainPercent = 25.0

// group is the task group of a daemon's tasks.
func group(daemonName string) string { return "daemon:" + daemonName }

// Reconcile runs one pass of the daemon reconciler at now: it starts the daemon task
// on every ACTIVE instance of each daemon's capacity providers that lacks one, stops
// the tasks of deleted daemons and of instances no longer in a daemon's providers,
// rolls deployments forward (drainPercent of the instances at a time) and keeps the
// counts DescribeDaemon and DescribeDaemonDeployments report. It returns when it next
// falls due (zero: nothing scheduled). The loop runs it before the services, and the
// EC2 reconciler before it places waiting tasks, so that a daemon's task has its
// instance first.
func (dm *Daemons) Reconcile(now time.Time) time.Time {
	if dm.host == nil {
		return time.Time{}
	}
	for ik, at := range dm.started {
		if !now.Before(at.Add(RestartDelay)) {
			delete(dm.started, ik) // no longer holds a restart back
		}
	}
	found := false
	dm.st.Store.View(func() {
		dm.daemons.Ascend("", func(string, *daemonRecord) bool {
			found = true
			return false
		})
	})
	if !found {
		return time.Time{} // no daemons: no transaction
	}
	var next time.Time
	var launched []string
	var created, stopped []*ecs.Task
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		var keys []string
		dm.daemons.Ascend("", func(k string, _ *daemonRecord) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			old, _ := dm.daemons.Get(k)
			p := &pass{dm: dm, tx: tx, k: k, now: now}
			p.run(old)
			launched = append(launched, p.launched...)
			created = append(created, p.created...)
			stopped = append(stopped, p.stopped...)
			if !p.wake.IsZero() && (next.IsZero() || p.wake.Before(next)) {
				next = p.wake
			}
		}
		return nil
	})
	if err != nil {
		dm.st.LogError("daemons", err)
		return next
	}
	dm.host.EmitTasks(append(created, stopped...)...)
	dm.host.Launch(launched...)
	for _, t := range stopped {
		dm.host.Nudge(t.TaskArn)
	}
	return next
}

// pass is one daemon's part of a Reconcile.
type pass struct {
	dm       *Daemons
	tx       *store.Tx
	k        string
	now      time.Time
	wake     time.Time
	launched []string
	created  []*ecs.Task
	stopped  []*ecs.Task
}

// slot is one container instance as a daemon sees it.
type slot struct {
	rec      *state.Instance
	cp       string        // the instance's capacity provider name
	live     []*state.Task // the daemon's tasks wanted RUNNING there
	stopping bool          // one of its tasks is on its way to STOPPED
	eligible bool          // an instance the daemon must run a task on
}

func (p *pass) run(old *daemonRecord) {
	dm := p.dm
	region := state.LastRegion(p.k)
	ck := state.Key(region, old.ClusterName)
	cluster, ok := dm.st.Clusters.Get(ck)
	if !ok {
		return
	}
	r := *old
	r.Detail.CurrentRevisions = append([]ecs.DaemonRevisionDetail(nil), old.Detail.CurrentRevisions...)
	deleting := r.Detail.Status != ecs.DaemonActive
	target := r.targetRevision()
	names := map[string]bool{}
	for _, arn := range r.CapacityProviders {
		names[arn[strings.LastIndexByte(arn, '/')+1:]] = true
	}
	c := dm.st.CapacityOf(ck)
	g := group(r.Name)
	var slots []*slot
	for i, rec := range c.Recs {
		s := &slot{rec: rec, cp: rec.Instance.CapacityProviderName}
		for _, tr := range c.Tasks[i] {
			if !tr.Daemon || tr.Task.Group != g {
				continue
			}
			if tr.Task.DesiredStatus == ecs.StatusStopped {
				s.stopping = true
			} else {
				s.live = append(s.live, tr)
			}
		}
		active := rec.Instance.Status == ecs.InstanceActive && rec.TerminateAt == nil
		s.eligible = !deleting && active && rec.Instance.AgentConnected && !rec.External && names[s.cp]
		switch {
		case deleting:
			p.stop(s.live, "Daemon deleted")
			s.live = nil
		case active && !names[s.cp]:
			p.stop(s.live, "Daemon capacity providers changed")
			s.live = nil
		case s.eligible && len(s.live) > 1:
			p.stop(s.live[1:], "Daemon task already running on the instance")
			s.live = s.live[:1]
		}
		slots = append(slots, s)
	}
	if !deleting {
		p.rollOut(&r, slots, target)
		for _, s := range slots {
			if s.eligible && len(s.live) == 0 && !s.stopping {
				p.start(&r, cluster, s, target)
			}
		}
	}
	p.count(&r, slots, target, deleting)
	if !reflect.DeepEqual(old, &r) {
		dm.daemons.Put(p.tx, p.k, &r)
	}
}

// rollOut replaces tasks of older revisions on eligible instances, a drainPercent
// share of them at a time (a step): a replacement starts once the old task has
// stopped, and the next step waits for the last one's replacements to run and then
// for bakeTimeInMinutes.
func (p *pass) rollOut(r *daemonRecord, slots []*slot, target string) {
	var old []*slot
	eligible, busy := 0, 0
	for _, s := range slots {
		if !s.eligible {
			continue
		}
		eligible++
		switch {
		case s.stopping:
			busy++
		case len(s.live) == 1 && s.live[0].Task.StartedBy != target:
			old = append(old, s)
		case len(s.live) == 1 && s.live[0].Task.LastStatus != ecs.StatusRunning:
			busy++
		}
	}
	dc := deploymentConfig(r.DeploymentConfiguration)
	if busy > 0 {
		return // a step under way
	}
	if r.Stepping {
		r.Stepping = false
		if dc.BakeTimeInMinutes > 0 {
			at := p.now.Add(time.Duration(dc.BakeTimeInMinutes) * time.Minute)
			r.BakeUntil = &at
		}
	}
	if len(old) == 0 {
		return
	}
	if r.BakeUntil != nil && p.now.Before(*r.BakeUntil) {
		p.wakeAt(*r.BakeUntil)
		return
	}
	r.BakeUntil = nil
	batch := max(1, int(math.Ceil(float64(eligible)*dc.drainPercent()/100)))
	for _, s := range old[:min(batch, len(old))] {
		p.stop(s.live, "Daemon deployment replaced the task")
		s.live, s.stopping = nil, true
		delete(p.dm.started, s.rec.Instance.ContainerInstanceArn+"\x00"+p.k) // its replacement starts at once
	}
	r.Stepping = true
}

// daemonDeploymentConfig is what the reconciler reads of a deploymentConfiguration.
type daemonDeploymentConfig struct {
	DrainPercent      *float64 `json:"drainPercent"`
	BakeTimeInMinutes int      `json:"bakeTimeInMinutes"`
}

func deploymentConfig(raw json.RawMessage) daemonDeploymentConfig {
	var dc daemonDeploymentConfig
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &dc) // a configuration it cannot read deploys with the defaults
	}
	return dc
}

func (dc daemonDeploymentConfig) drainPercent() float64 {
	if dc.DrainPercent != nil && *dc.DrainPercent > 0 {
		return min(*dc.DrainPercent, 100)
	}
	return DefaultDrainPercent
}

func (p *pass) wakeAt(t time.Time) {
	if p.wake.IsZero() || t.Before(p.wake) {
		p.wake = t
	}
}

// start records the daemon's task on the instance of s, placed there by admission.
func (p *pass) start(r *daemonRecord, cluster *ecs.Cluster, s *slot, target string) {
	dm := p.dm
	ik := s.rec.Instance.ContainerInstanceArn + "\x00" + p.k
	if last, ok := dm.started[ik]; ok && p.now.Before(last.Add(RestartDelay)) {
		p.wakeAt(last.Add(RestartDelay))
		return
	}
	td := dm.taskDefinition(r.TaskDefinition)
	if td == nil {
		return
	}
	region := state.LastRegion(p.k)
	sc := ecs.Scope{Region: region, Account: dm.st.AccountID}
	in := &ecs.RunTaskInput{Cluster: cluster.ClusterName, TaskDefinition: td.TaskDefinitionArn, Group: group(r.Name),
		StartedBy: target, EnableExecuteCommand: ecs.Deref(r.EnableExecuteCommand), EnableECSManagedTags: ecs.Deref(r.EnableECSManagedTags)}
	t := dm.host.NewTask(sc, cluster, td, in, ecs.LaunchEC2, s.cp)
	t.Tags = []ecs.Tag{}
	if r.PropagateTags == "DAEMON" {
		t.Tags = append(t.Tags, r.Tags...)
	}
	tr := &state.Task{Task: t, ClusterName: cluster.ClusterName, Daemon: true}
	how := state.Placement{Constraints: []ecs.PlacementConstraint{{Type: "memberOf", Expression: "ec2InstanceId == " + s.rec.Instance.Ec2InstanceId}}}
	adm := admission.New(dm.st, dm.rnd, admission.FargateQuotas{}, region, state.Key(region, cluster.ClusterName), ecs.LaunchEC2, how)
	if why, _ := adm.Admit(td, tr, s.cp); why != "" || t.ContainerInstanceArn != s.rec.Instance.ContainerInstanceArn {
		return // no room on the instance: looked at again on the next pass
	}
	id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
	dm.st.Tasks.Put(p.tx, state.TaskKey(region, cluster.ClusterName, id), tr)
	dm.started[ik] = p.now
	s.live = []*state.Task{tr}
	p.launched = append(p.launched, t.TaskArn)
	p.created = append(p.created, t)
}

// stop sets the daemon tasks' desired status to STOPPED.
func (p *pass) stop(tasks []*state.Task, reason string) {
	for _, tr := range tasks {
		t := state.CloneTask(tr.Task)
		t.DesiredStatus, t.StopCode, t.StoppedReason, t.StoppingAt = ecs.StatusStopped, ecs.StopServiceSchedulerInitiated, reason, ecs.At(p.now)
		t.Version++
		next := *tr
		next.Task = t
		id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
		p.dm.st.Tasks.Put(p.tx, state.TaskKey(p.dm.st.RegionOf(t.TaskArn), tr.ClusterName, id), &next)
		p.stopped = append(p.stopped, t)
	}
}

// count updates the running counts of the daemon's revisions and of its deployment,
// and ends the deployment when every eligible instance runs the target revision (or,
// for a deleted daemon, when no task is left).
func (p *pass) count(r *daemonRecord, slots []*slot, target string, deleting bool) {
	running := map[string]map[string]int{}  // revision ID → capacity provider → RUNNING tasks
	draining := map[string]map[string]int{} // the same on DRAINING instances
	done := true
	for _, s := range slots {
		if s.eligible && (len(s.live) != 1 || s.live[0].Task.StartedBy != target || s.live[0].Task.LastStatus != ecs.StatusRunning) {
			done = false
		}
		if deleting && (len(s.live) > 0 || s.stopping) {
			done = false
		}
		for _, tr := range s.live {
			rev := tr.Task.StartedBy
			m := running
			if s.rec.Instance.Status == ecs.InstanceDraining {
				m = draining
			} else if tr.Task.LastStatus != ecs.StatusRunning {
				continue
			}
			if m[rev] == nil {
				m[rev] = map[string]int{}
			}
			m[rev][s.cp]++
		}
	}
	var cur []ecs.DaemonRevisionDetail
	for _, rd := range r.Detail.CurrentRevisions {
		id := lastPart(rd.Arn)
		n := 0
		for _, cp := range rd.CapacityProviders {
			n += running[id][lastPart(cp.Arn)] + draining[id][lastPart(cp.Arn)]
		}
		if n == 0 && (id != target || deleting) && !hasLive(slots, id) {
			continue // a revision no task runs any more
		}
		next := ecs.DaemonRevisionDetail{Arn: rd.Arn, CapacityProviders: []ecs.DaemonCapacityProvider{}}
		for _, cp := range rd.CapacityProviders {
			c := running[id][lastPart(cp.Arn)]
			next.CapacityProviders = append(next.CapacityProviders, ecs.DaemonCapacityProvider{Arn: cp.Arn, RunningCount: c})
			next.TotalRunningCount += c
		}
		cur = append(cur, next)
	}
	if cur == nil {
		cur = []ecs.DaemonRevisionDetail{}
	}
	r.Detail.CurrentRevisions = cur
	dk := r.DeploymentKey
	old, ok := p.dm.daemonDeploys.Get(dk)
	if !ok || dk == "" {
		return
	}
	dep := *old
	d := &dep.Deployment
	if d.Status != ecs.SDInProgress && d.Status != ecs.SDPending {
		return
	}
	fill := func(rd *ecs.DaemonDeploymentRevisionDetail) *ecs.DaemonDeploymentRevisionDetail {
		out := &ecs.DaemonDeploymentRevisionDetail{Arn: rd.Arn, CapacityProviders: []ecs.DaemonDeploymentCapacityProvider{}}
		id := lastPart(rd.Arn)
		for _, cp := range rd.CapacityProviders {
			run, dr := instancesWith(slots, id, lastPart(cp.Arn))
			out.CapacityProviders = append(out.CapacityProviders, ecs.DaemonDeploymentCapacityProvider{Arn: cp.Arn, RunningInstanceCount: run, DrainingInstanceCount: dr})
			out.TotalRunningInstanceCount += run
			out.TotalDrainingInstanceCount += dr
		}
		return out
	}
	if d.TargetDaemonRevision != nil && d.TargetDaemonRevision.Arn != "" {
		d.TargetDaemonRevision = fill(d.TargetDaemonRevision)
	}
	for i := range d.SourceDaemonRevisions {
		d.SourceDaemonRevisions[i] = *fill(&d.SourceDaemonRevisions[i])
	}
	d.Status = ecs.SDInProgress
	if done {
		d.Status, d.FinishedAt = ecs.SDSuccessful, ecs.At(p.now)
	}
	if !reflect.DeepEqual(old, &dep) {
		p.dm.daemonDeploys.Put(p.tx, dk, &dep)
	}
}

// instancesWith counts the instances of a capacity provider running a live task of
// the revision: ACTIVE ones with it RUNNING, and DRAINING ones.
func instancesWith(slots []*slot, rev, cp string) (running, draining int) {
	for _, s := range slots {
		if s.cp != cp {
			continue
		}
		for _, tr := range s.live {
			if tr.Task.StartedBy != rev {
				continue
			}
			if s.rec.Instance.Status == ecs.InstanceDraining {
				draining++
			} else if tr.Task.LastStatus == ecs.StatusRunning {
				running++
			}
			break
		}
	}
	return running, draining
}

func hasLive(slots []*slot, rev string) bool {
	for _, s := range slots {
		for _, tr := range s.live {
			if tr.Task.StartedBy == rev {
				return true
			}
		}
	}
	return false
}

func lastPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// targetRevision is the ID of the revision the daemon deploys ("" once deleted).
func (r *daemonRecord) targetRevision() string {
	if r.Detail.Status != ecs.DaemonActive {
		return ""
	}
	if r.TargetRevision != "" {
		return lastPart(r.TargetRevision)
	}
	if len(r.Detail.CurrentRevisions) > 0 { // recorded before targetRevision was kept
		return lastPart(r.Detail.CurrentRevisions[len(r.Detail.CurrentRevisions)-1].Arn)
	}
	return ""
}

// taskDefinition is a daemon task definition as the agent and admission read task
// definitions: its containers, volumes and task-level size. Nil if it is gone.
func (dm *Daemons) taskDefinition(arn string) *ecs.TaskDefinition {
	a, ok := ecs.ParseARN(arn)
	if !ok {
		return nil
	}
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	d, ok := dm.daemonTaskDefs.Get(state.Key(a.Region, family, state.RevKey(n)))
	if !ok {
		return nil
	}
	td := &ecs.TaskDefinition{TaskDefinitionArn: d.DaemonTaskDefinitionArn, Family: d.Family, Revision: d.Revision,
		Status: ecs.TaskDefActive, Compatibilities: []string{ecs.LaunchEC2}, PlacementConstraints: []ecs.TaskDefinitionPlacementConstraint{}}
	if err := json.Unmarshal(d.ContainerDefinitions, &td.ContainerDefinitions); err != nil {
		return nil // checked when registered
	}
	if len(d.Volumes) > 0 {
		_ = json.Unmarshal(d.Volumes, &td.Volumes) // volumes ecsmini cannot read are left out
	}
	if td.Volumes == nil {
		td.Volumes = []ecs.Volume{}
	}
	if d.TaskRoleArn != "" {
		td.TaskRoleArn = &d.TaskRoleArn
	}
	if d.ExecutionRoleArn != "" {
		td.ExecutionRoleArn = &d.ExecutionRoleArn
	}
	if d.Cpu != "" {
		td.Cpu = &d.Cpu
	}
	if d.Memory != "" {
		td.Memory = &d.Memory
	}
	return td
}

// TaskDefinition is the task definition a daemon task runs (arn names a daemon task
// definition revision), for the agent.
func (dm *Daemons) TaskDefinition(arn string) (td *ecs.TaskDefinition) {
	dm.st.Store.View(func() { td = dm.taskDefinition(arn) })
	return td
}
