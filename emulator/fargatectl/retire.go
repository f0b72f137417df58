package fargatectl

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/fargate"
)

// RetireRequest names the Fargate tasks to retire: tasks by ID or ARN, a service's
// tasks, or every task on a platform version (in the cluster, or in every cluster of the
// region when Cluster is empty and PlatformVersion is set).
type RetireRequest struct {
	Cluster         string   `json:"cluster,omitempty"`
	Tasks           []string `json:"tasks,omitempty"`
	Service         string   `json:"service,omitempty"`
	PlatformVersion string   `json:"platformVersion,omitempty"`
}

// Retirement is one task's scheduled retirement.
type Retirement struct {
	TaskArn  string    `json:"taskArn"`
	Service  string    `json:"service,omitempty"`
	RetireAt time.Time `json:"retireAt"`
}

// Retire schedules the retirement of Fargate tasks as AWS does when it retires a
// platform version revision (tasks spec §3.7): the notice now, the retirement after the
// account's fargateTaskRetirementWaitPeriod (0, 7 or 14 days). At that time a service
// replaces its tasks make-before-break within minimumHealthyPercent; standalone tasks
// are stopped and not replaced. A retirement already scheduled is not moved, and a new
// deployment of the service before the date pre-empts it.
func (f *Ctl) Retire(ctx context.Context, in RetireRequest) ([]Retirement, error) {
	sc := f.st.Scope(ctx)
	wait := fargate.RetirementWait(f.host.EffectiveSetting(sc, sc.RootPrincipal(), "fargateTaskRetirementWaitPeriod").Value)
	now := f.st.Clock.Now()
	var out, announced []Retirement
	services := map[string]bool{}
	err := f.st.Store.Update(func(tx *store.Tx) error {
		keys, err := f.retireTargets(ctx, in)
		if err != nil {
			return err
		}
		for _, k := range keys {
			r, _ := f.st.Tasks.Get(k)
			at := now.Add(wait)
			if r.RetireAt != nil {
				at = *r.RetireAt // an announced retirement cannot be moved
			} else {
				next := *r
				next.RetireAt = &at
				f.st.Tasks.Put(tx, k, &next)
			}
			ret := Retirement{TaskArn: r.Task.TaskArn, RetireAt: at}
			if r.Service != "" {
				ret.Service = state.LastPart(r.Service)
				services[r.Service] = true
			}
			out = append(out, ret)
			if r.RetireAt == nil {
				announced = append(announced, ret)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k := range services {
		f.host.MarkDirty(k)
	}
	if len(announced) > 0 {
		f.host.EmitHealth(announced) // the notice: AWS Health's scheduled change
	}
	f.poke()
	return out, nil
}

// retireTargets are the store keys of the live Fargate tasks a request names. It must
// run inside a store transaction.
func (f *Ctl) retireTargets(ctx context.Context, in RetireRequest) ([]string, error) {
	var keys []string
	add := func(k string, r *state.Task) {
		if r.Task.LaunchType == ecs.LaunchFargate && r.Task.DesiredStatus == ecs.StatusRunning && r.Task.LastStatus < ecs.StatusStopping {
			keys = append(keys, k)
		}
	}
	switch {
	case len(in.Tasks) > 0:
		for _, ref := range in.Tasks {
			k, r, err := f.st.ResolveTask(ctx, in.Cluster, ref)
			if err != nil {
				return nil, err
			}
			if r.Task.LaunchType != ecs.LaunchFargate || r.Task.DesiredStatus != ecs.StatusRunning || r.Task.LastStatus >= ecs.StatusStopping {
				return nil, ecs.InvalidParameter("Task %s is not a running Fargate task; only Fargate tasks are retired.", ref)
			}
			add(k, r)
		}
	case in.Service != "":
		k, s, err := f.st.FindService(ctx, in.Cluster, in.Service)
		if err != nil {
			return nil, err
		}
		if s.Service.Status != ecs.ServiceActive {
			return nil, ecs.Errorf(ecs.CodeServiceNotActive, "Service was not ACTIVE.")
		}
		for _, tk := range f.host.MemberKeys(k) {
			if r, ok := f.st.Tasks.Get(tk); ok {
				add(tk, r)
			}
		}
	case in.PlatformVersion != "":
		prefix := state.Key(f.st.Scope(ctx).Region, "")
		if in.Cluster != "" {
			ck, c, err := f.st.ActiveCluster(ctx, in.Cluster)
			if err != nil {
				return nil, err
			}
			prefix = state.Key(state.LastRegion(ck), c.ClusterName, "")
		}
		f.st.Tasks.Ascend(prefix, func(k string, r *state.Task) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if r.Task.PlatformVersion == in.PlatformVersion {
				add(k, r)
			}
			return true
		})
	default:
		return nil, ecs.InvalidParameter("Name the tasks to retire, a service or a platform version.")
	}
	if len(keys) == 0 {
		return nil, ecs.InvalidParameter("No running Fargate task matches.")
	}
	sort.Strings(keys)
	return keys, nil
}

// Due interrupts and retires what is due at now and returns when the next thing
// falls due (zero for nothing).
func (f *Ctl) Due(now time.Time) time.Time {
	f.mu.Lock()
	rate := f.rate
	f.mu.Unlock()
	var spot, retire []string
	var next time.Time
	at := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	f.st.Store.View(func() {
		f.st.Tasks.Ascend("", func(_ string, r *state.Task) bool {
			t := r.Task
			if t.DesiredStatus != ecs.StatusRunning || t.LastStatus >= ecs.StatusStopping {
				return true
			}
			if rate > 0 && runningSpot(t) && t.StartedAt != nil {
				id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
				if due := fargate.InterruptionAt(id, t.StartedAt.Time, rate); due.After(now) {
					at(due)
				} else {
					spot = append(spot, t.TaskArn)
				}
			}
			if r.RetireAt != nil && r.Service == "" {
				if r.RetireAt.After(now) {
					at(*r.RetireAt)
				} else {
					retire = append(retire, t.TaskArn)
				}
			}
			return true
		})
	})
	for _, arn := range spot {
		if err := f.interrupt(arn); err != nil {
			f.st.LogError("spot interruption", err)
		}
	}
	for _, arn := range retire {
		f.retireStandalone(arn, now)
	}
	return next
}

// retireStandalone stops a standalone task on its retirement date; nothing replaces it.
func (f *Ctl) retireStandalone(arn string, now time.Time) {
	_, err := f.host.UpdateTask(arn, func(t *ecs.Task) error {
		if t.DesiredStatus != ecs.StatusRunning {
			return state.ErrUnchanged
		}
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopTerminationNotice, fargate.RetirementReason
		t.StoppingAt = ecs.At(now)
		return nil
	})
	switch {
	case err == state.ErrUnchanged:
	case err != nil:
		f.st.LogError("retire a task", err)
	default:
		f.Nudge(arn)
	}
}
