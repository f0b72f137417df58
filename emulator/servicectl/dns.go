package servicectl

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// LiveTask is a service task that may take traffic: RUNNING, wanted, not UNHEALTHY and
// not draining from a load balancer, as Cloud Map keeps ECS-managed instances (spec
// §5.13), with its own address: an awsvpc task's, or a bridge-mode Service Connect
// task's on its task network (state.Task.Address); other bridge and host tasks have none.
type LiveTask struct {
	ID, IP  string
	TaskDef string
}

// LiveTasks lists a service's live tasks in store key order. Call it in a store View.
func (ctl *Ctl) LiveTasks(serviceKey string) []LiveTask {
	var out []LiveTask
	for _, tk := range ctl.MemberKeys(serviceKey) {
		tr, ok := ctl.st.Tasks.Get(tk)
		if !ok || tr.Draining {
			continue
		}
		t := tr.Task
		if t.LastStatus != ecs.StatusRunning || t.DesiredStatus != ecs.StatusRunning || t.HealthStatus == ecs.HealthUnhealthy {
			continue
		}
		ip := privateIP(t)
		if ip == "" {
			ip = tr.Address
		}
		if ip != "" {
			out = append(out, LiveTask{ID: tk[lastNUL(tk)+1:], IP: ip, TaskDef: t.TaskDefinitionArn})
		}
	}
	return out
}

func lastNUL(k string) int {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == 0 {
			return i
		}
	}
	return -1
}

// DefByARN is a task definition revision, decoded once; nil when it is unknown. Call it
// in a store View.
func (ctl *Ctl) DefByARN(arn string) *ecs.TaskDefinition { return ctl.defByARN(arn) }

// Indexed tells whether the service membership index was built (on the first pass).
func (ctl *Ctl) Indexed() bool {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	return ctl.indexed
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
