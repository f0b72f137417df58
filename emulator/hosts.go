package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/settings"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// host is what the reconciler packages see of the facade: the operations that commit
// and publish (UpdateTask), the agent, the services' membership index and the events.
// It is a separate type so that none of this becomes Emulator's exported API.
type host struct{ e *Emulator }

func (h host) UpdateTask(arn string, change func(t *ecs.Task) error) (*ecs.Task, error) {
	return h.e.UpdateTask(arn, change)
}

func (h host) MemberKeys(serviceKey string) []string { return h.e.ctl.MemberKeys(serviceKey) }
func (h host) MarkDirty(serviceKey string)           { h.e.ctl.MarkDirty(serviceKey) }
func (h host) EmitHealth(rs []Retirement)            { h.e.ev.Health(rs) }

func (h host) EffectiveSetting(sc ecs.Scope, principal, name string) ecs.Setting {
	return settings.Effective(h.e.st, sc, principal, name)
}

func (h host) HasAgent() bool { return h.e.runner != nil }

func (h host) AgentLaunch(arn string) {
	if h.e.runner != nil {
		h.e.runner.Launch(arn)
	}
}

func (h host) AgentNudge(arn string) {
	if h.e.runner != nil {
		h.e.runner.Nudge(arn)
	}
}

func (h host) LaunchInstance(ctx context.Context, in ec2ctl.Launch) error {
	_, err := h.e.AddInstance(ctx, AddInstanceRequest{Cluster: in.Cluster, Type: in.Type, AZ: in.AZ,
		Spot: in.Spot, CapacityProvider: in.CapacityProvider, ASG: in.ASG})
	return err
}

func (h host) InstancesChanged(arns ...string) { h.e.inst.Changed(arns...) }
func (h host) EmitTasks(tasks ...*ecs.Task)    { h.e.ev.Tasks(tasks...) }
func (h host) Nudge(arn string)                { h.e.fg.Nudge(arn) }
func (h host) Release(arns ...string)          { h.e.fg.Release(arns...) }

func (h host) WatchService(k string, now time.Time, old, r *serviceRecord, tasks map[string]*taskRecord) servicectl.Watch {
	return h.e.ev.WatchService(k, now, old, r, tasks)
}

func (h host) NewTask(sc ecs.Scope, c *ecs.Cluster, td *ecs.TaskDefinition, in *ecs.RunTaskInput, launch, provider string) *ecs.Task {
	return h.e.newTask(sc, c, td, in, launch, provider)
}

func (h host) Quotas() FargateQuotas { return h.e.fg.Quotas() }
func (h host) Launch(arns ...string) { h.e.fg.Launch(arns...) }

// StartDaemons runs the daemon reconciler; the EC2 reconciler calls it before it places
// waiting tasks on instances that just booted.
func (h host) StartDaemons() { h.e.dm.Reconcile(h.e.cfg.Clock.Now()) }
func (h host) ClusterForUse(ctx context.Context, tx *store.Tx, ref string) (string, *ecs.Cluster, error) {
	return h.e.clusterForUse(ctx, tx, ref)
}

func (h host) Poke()                               { h.e.loop.poke() }
func (h host) EmitInstance(arn string, detail any) { h.e.ev.ContainerInstance(arn, detail) }
func (h host) Heartbeat(arn string, now time.Time) { h.e.agents.Heartbeat(arn, now) }
