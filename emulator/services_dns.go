package emulator

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Records are the A records of the cluster's discovery table (see Table); it makes the
// emulator a discovery.Source.
func (e *Emulator) Records(clusterARN string) map[string][]string {
	return e.Table(clusterARN).Records
}

// liveTask is a service task that may take traffic: RUNNING, wanted, not UNHEALTHY
// and not draining from a load balancer, as Cloud Map keeps ECS-managed instances (spec
// §5.13), with its own address (awsvpc tasks only).
type liveTask struct {
	id, ip  string
	taskDef string
}

// serviceTasks lists a service's live tasks, in store key order.
func (e *Emulator) serviceTasks(serviceKey string) []liveTask {
	var out []liveTask
	for _, tk := range e.ctl.memberKeys(serviceKey) {
		tr, ok := e.tasks.Get(tk)
		if !ok || tr.Draining {
			continue
		}
		t := tr.Task
		if t.LastStatus != ecs.StatusRunning || t.DesiredStatus != ecs.StatusRunning || t.HealthStatus == ecs.HealthUnhealthy {
			continue
		}
		if ip := privateIP(t); ip != "" {
			out = append(out, liveTask{id: lastPart(tk), ip: ip, taskDef: t.TaskDefinitionArn})
		}
	}
	return out
}

// privateIP is an awsvpc task's address, from its ENI attachment.
func privateIP(t *ecs.Task) string {
	for _, att := range t.Attachments {
		for _, d := range att.Details {
			if ecs.Deref(d.Name) == "privateIPv4Address" {
				return ecs.Deref(d.Value)
			}
		}
	}
	return ""
}

// dnsName is n as a table name: lower-case, without a trailing dot.
func dnsName(n string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(n), ".")) }
