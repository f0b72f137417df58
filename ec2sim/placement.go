package ec2sim

import (
	"strconv"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Candidate is a container instance as placement sees it: what it has left and what runs
// on it. The caller builds one per ACTIVE or DRAINING instance of the cluster (draining ones
// still count for spread) and keeps it current with Reserve and Release.
type Candidate struct {
	ARN             string // container instance ARN
	EC2InstanceID   string
	Attributes      map[string]string // built-in + custom; value-less attributes map to ""
	AgentConnected  bool
	AgentVersion    string
	RegisteredAt    time.Time
	Draining        bool // status DRAINING: never a target
	RemainingCPU    int
	RemainingMemory int
	UsedPorts       map[string]bool // "tcp/80", "udp/53": host ports taken, registered reserved ones included
	FreeENIs        int
	RunningTasks    int            // runningTasksCount
	Groups          map[string]int // task group -> count of non-stopped tasks of that group here
}

// Need is what one task asks of an instance.
type Need struct {
	CPU, Memory        int      // task-level reservation (cpu units, MiB)
	Ports              []string // static host ports "tcp/80"
	ENI                bool     // awsvpc task: needs one free ENI
	Group              string   // "service:web" or "family:x": what spread and distinctInstance count; "" counts every task
	RequiredAttributes []string // task definition requiresAttributes names: the candidate must have them
}

// Request is one placement: the task's need plus the strategies and constraints.
type Request struct {
	Need        Need
	Strategies  []ecs.PlacementStrategy   // applied in order as successive tie-breakers
	Constraints []ecs.PlacementConstraint // distinctInstance, memberOf(expression)
	// Service selects the default used when Strategies is empty: a service task goes to the
	// AZ with the fewest tasks of its group, then the instance with the fewest (spec 4.2); a
	// standalone task goes to a random instance (spec 4.1).
	Service bool
}

// PortKey is the UsedPorts / Need.Ports key of a host port: "tcp/80".
func PortKey(protocol string, port int) string {
	if protocol == "" {
		protocol = "tcp"
	}
	return protocol + "/" + strconv.Itoa(port)
}

// ReservedPortKeys are ReservedPorts as UsedPorts keys, for a fresh candidate.
func ReservedPortKeys() []string {
	out := make([]string, len(ReservedPorts))
	for i, p := range ReservedPorts {
		out[i] = "tcp/" + p
	}
	return out
}

// NewCandidate describes a freshly registered, connected, empty instance of type t: its full
// registered CPU and memory, the agent's reserved ports taken and every task ENI free.
func NewCandidate(arn, ec2InstanceID string, t InstanceType, attrs map[string]string) Candidate {
	used := make(map[string]bool, len(ReservedPorts))
	for _, k := range ReservedPortKeys() {
		used[k] = true
	}
	return Candidate{
		ARN: arn, EC2InstanceID: ec2InstanceID, Attributes: attrs, AgentConnected: true,
		RemainingCPU: t.CPUUnits(), RemainingMemory: t.RegisteredMemory(),
		UsedPorts: used, FreeENIs: t.TaskENIs(), Groups: map[string]int{},
	}
}

// Reserve applies a placement to the candidate, so the next Place call sees the task: its
// CPU, memory, host ports and ENI are taken and it counts for its group.
func (c *Candidate) Reserve(n Need) {
	c.RemainingCPU -= n.CPU
	c.RemainingMemory -= n.Memory
	if len(n.Ports) > 0 && c.UsedPorts == nil {
		c.UsedPorts = make(map[string]bool, len(n.Ports))
	}
	for _, p := range n.Ports {
		c.UsedPorts[p] = true
	}
	if n.ENI {
		c.FreeENIs--
	}
	if n.Group != "" {
		if c.Groups == nil {
			c.Groups = make(map[string]int)
		}
		c.Groups[n.Group]++
	}
	c.RunningTasks++
}

// Release undoes Reserve when the task stops.
func (c *Candidate) Release(n Need) {
	c.RemainingCPU += n.CPU
	c.RemainingMemory += n.Memory
	for _, p := range n.Ports {
		delete(c.UsedPorts, p)
	}
	if n.ENI {
		c.FreeENIs++
	}
	if n.Group != "" && c.Groups[n.Group] > 0 {
		c.Groups[n.Group]--
		if c.Groups[n.Group] == 0 {
			delete(c.Groups, n.Group)
		}
	}
	if c.RunningTasks > 0 {
		c.RunningTasks--
	}
}

// groupCount is how many tasks of group the candidate runs; with no group, all its tasks.
func (c *Candidate) groupCount(group string) int {
	if group == "" {
		return c.RunningTasks
	}
	return c.Groups[group]
}
