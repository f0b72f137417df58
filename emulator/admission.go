package emulator

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
)

// admission decides whether one more new task may start, and where: the checks that
// RunTask and the service scheduler share, in ECS's order. Host ports come first (every
// task without a simulated instance runs on this one machine), then the account's
// Fargate vCPU quota, then EC2 placement on the cluster's simulated instances. One
// admission serves one request or one service pass: it remembers what the tasks it
// admitted take.
type admission struct {
	launch string
	inUse  map[string]bool // host ports held on this machine
	quota  *quotaCheck
	placer *taskPlacer // nil when nothing is placed on instances
	how    pendingPlacement
}

// newAdmission starts admitting tasks of launch type launch in cluster ck of region.
func (e *Emulator) newAdmission(region, ck, launch string, how pendingPlacement) *admission {
	return &admission{launch: launch, inUse: e.hostPortsInUse(), quota: e.newQuotaCheck(region),
		placer: e.newTaskPlacer(ck, launch), how: how}
}

// admit admits tr, a new task of td for capacity provider provider (may be ""), setting
// its host ports and placement; or says why it cannot start: code is an ECS failure
// reason ("RESOURCE:PORTS", "RESOURCE:MEMORY", …, or scheduler.PlaceVCPULimit,
// scheduler.PlaceNoInstances) and closest the container instance that came closest.
func (a *admission) admit(td *ecs.TaskDefinition, tr *taskRecord, provider string) (code, closest string) {
	ports := laptopPorts(td, a.placer.onInstance(provider))
	if clash(ports, a.inUse) {
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
