package emulator

import "github.com/ecsmini/ecsmini/emulator/ecs"

// host is what the reconciler packages see of the facade: the operations that commit
// and publish (UpdateTask), the agent, the services' membership index and the events.
// It is a separate type so that none of this becomes Emulator's exported API.
type host struct{ e *Emulator }

func (h host) UpdateTask(arn string, change func(t *ecs.Task) error) (*ecs.Task, error) {
	return h.e.UpdateTask(arn, change)
}

func (h host) MemberKeys(serviceKey string) []string { return h.e.ctl.memberKeys(serviceKey) }
func (h host) MarkDirty(serviceKey string)           { h.e.ctl.markDirty(serviceKey) }
func (h host) EmitHealth(rs []Retirement)            { h.e.emitHealth(rs) }

func (h host) EffectiveSetting(sc ecs.Scope, principal, name string) ecs.Setting {
	return h.e.effectiveSetting(sc, principal, name)
}

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
