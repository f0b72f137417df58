package state

import (
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Capacity is a cluster's container instances as placement sees them: each one's
// remaining resources after the tasks placed on it that have not stopped.
type Capacity struct {
	Recs    []*Instance
	Cands   []ec2sim.Candidate
	Index   map[string]int // by container instance ARN
	Running []int          // runningTasksCount
	Pending []int          // pendingTasksCount
	// Tasks are the placed, unstopped Tasks per instance, for scale-in choices.
	Tasks [][]*Task
}

// CapacityOf reads a cluster's instances (not INACTIVE) and what runs on them. It must
// run inside a store View or Update.
func (s *State) CapacityOf(clusterKey string) *Capacity {
	c := &Capacity{Index: map[string]int{}}
	for _, r := range s.InstancesOf(clusterKey) {
		if r.Instance.Status == ecs.InstanceInactive {
			continue
		}
		c.Index[r.Instance.ContainerInstanceArn] = len(c.Recs)
		c.Recs = append(c.Recs, r)
		c.Cands = append(c.Cands, CandidateOf(r))
	}
	c.Running, c.Pending, c.Tasks = make([]int, len(c.Recs)), make([]int, len(c.Recs)), make([][]*Task, len(c.Recs))
	if len(c.Recs) == 0 {
		return c
	}
	prefix := clusterKey + "\x00"
	s.Tasks.Ascend(prefix, func(k string, tr *Task) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		t := tr.Task
		i, ok := c.Index[t.ContainerInstanceArn]
		if !ok || t.LastStatus == ecs.StatusStopped {
			return true
		}
		c.Add(i, tr)
		return true
	})
	return c
}

// Add counts a task as placed on instance i.
func (c *Capacity) Add(i int, tr *Task) {
	if tr.Need != nil {
		c.Cands[i].Reserve(*tr.Need)
	}
	c.Tasks[i] = append(c.Tasks[i], tr)
	switch tr.Task.LastStatus {
	case ecs.StatusRunning:
		c.Running[i]++
	case ecs.StatusProvisioning, ecs.StatusPending, ecs.StatusActivating:
		c.Pending[i]++
	}
	c.Cands[i].RunningTasks = c.Running[i]
}

// CandidateOf is an instance with nothing placed on it yet.
func CandidateOf(r *Instance) ec2sim.Candidate {
	ci := r.Instance
	attrs := make(map[string]string, len(ci.Attributes))
	for _, a := range ci.Attributes {
		attrs[a.Name] = ecs.Deref(a.Value)
	}
	c := ec2sim.Candidate{
		ARN: ci.ContainerInstanceArn, EC2InstanceID: ci.Ec2InstanceId, Attributes: attrs,
		AgentConnected: ci.AgentConnected, Draining: ci.Status != ecs.InstanceActive,
		UsedPorts: map[string]bool{}, Groups: map[string]int{},
	}
	if ci.VersionInfo != nil {
		c.AgentVersion = ci.VersionInfo.AgentVersion
	}
	if ci.RegisteredAt != nil {
		c.RegisteredAt = ci.RegisteredAt.Time
	}
	for _, res := range ci.RegisteredResources {
		switch res.Name {
		case "CPU":
			c.RemainingCPU = res.IntegerValue
		case "MEMORY":
			c.RemainingMemory = res.IntegerValue
		case "PORTS":
			for _, p := range res.StringSetValue {
				c.UsedPorts["tcp/"+p] = true
			}
		case "PORTS_UDP":
			for _, p := range res.StringSetValue {
				c.UsedPorts["udp/"+p] = true
			}
		}
	}
	if it, ok := ec2sim.LookupInstanceType(r.Type); ok {
		c.FreeENIs = it.TaskENIs()
	}
	return c
}

// Within restricts candidates to a capacity provider's instances ("" keeps all): a
// task of an Auto Scaling group's provider runs only on that group's instances.
func (c *Capacity) Within(provider string) []int {
	var idx []int
	for i, r := range c.Recs {
		if provider == "" || r.Instance.CapacityProviderName == provider {
			idx = append(idx, i)
		}
	}
	return idx
}
