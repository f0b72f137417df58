package admission

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Admission decides whether one more new task may start, and where: the checks that
// RunTask and the service scheduler share, in ECS's order. Host ports come first (every
// task without a simulated instance runs on this one machine), then the account's
// Fargate vCPU quota, then EC2 placement on the cluster's simulated instances. One
// admission serves one request or one service pass: it remembers what the tasks it
// admitted take.
type Admission struct {
	launch string
	inUse  map[string]bool // host ports held on this machine
	quota  *quotaCheck
	placer *taskPlacer // nil when nothing is placed on instances
	how    state.Placement
}

// New starts admitting tasks of launch type launch in cluster ck of region, held to
// the Fargate vCPU quotas q and placing with rnd. It must run inside a store transaction.
func New(st *state.State, rnd *Random, q FargateQuotas, region, ck, launch string, how state.Placement) *Admission {
	return &Admission{launch: launch, inUse: HostPortsInUse(st), quota: newQuotaCheck(st, q, region),
		placer: newTaskPlacer(st, rnd, ck, launch), how: how}
}

// Admit admits tr, a new task of td for capacity provider provider (may be ""), setting
// its host ports and placement; or says why it cannot start: code is an ECS failure
// reason ("RESOURCE:PORTS", "RESOURCE:MEMORY", …, or scheduler.PlaceVCPULimit,
// scheduler.PlaceNoInstances) and closest the container instance that came closest.
func (a *Admission) Admit(td *ecs.TaskDefinition, tr *state.Task, provider string) (code, closest string) {
	ports := LaptopPorts(td, a.placer.onInstance(provider))
	if Clash(ports, a.inUse) {
		return "RESOURCE:PORTS", ""
	}
	if !a.quota.take(a.launch, tr.Task.CapacityProviderName, tr.Task.Cpu) {
		return scheduler.PlaceVCPULimit, ""
	}
	tr.HostPorts = ports
	if why, closest := a.placer.place(td, tr, provider, a.how); why != "" {
		return why, closest
	}
	for _, p := range ports {
		a.inUse[p] = true
	}
	return "", ""
}

// Place admits tr as Admit does and says the outcome as the plan prints it: the
// instance and strategy, the capacity provider, or the failure.
func (a *Admission) Place(td *ecs.TaskDefinition, tr *state.Task, provider string) scheduler.Placement {
	p := scheduler.Placement{TaskDefinition: tr.Task.TaskDefinitionArn, Launch: a.launch, Provider: provider}
	if p.TaskDefinition == "" {
		p.TaskDefinition = td.TaskDefinitionArn
	}
	code, closest := a.Admit(td, tr, provider)
	if code != "" {
		p.Failure, p.Closest = code, closest
		return p
	}
	if arn := tr.Task.ContainerInstanceArn; arn != "" && a.placer != nil && a.placer.c != nil {
		if i, ok := a.placer.c.Index[arn]; ok {
			p.Instance = a.placer.c.Recs[i].Instance.Ec2InstanceId
		}
		p.Strategy = StrategyText(a.how.Strategies)
	}
	p.Waits = tr.Placement != nil
	return p
}

// StrategyText prints placement strategies as ECS names them, in order: "binpack
// memory", "spread attribute:ecs.availability-zone, random".
func StrategyText(strategies []ecs.PlacementStrategy) string {
	parts := make([]string, 0, len(strategies))
	for _, s := range strategies {
		if f := s.Field; f != "" {
			parts = append(parts, s.Type+" "+f)
		} else {
			parts = append(parts, s.Type)
		}
	}
	return strings.Join(parts, ", ")
}
