package ec2sim

import (
	"math/rand"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Candidate is a container instance as placement sees it.
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
	UsedPorts       map[string]bool // "tcp/80","udp/53" host ports taken
	FreeENIs        int
	RunningTasks    int            // runningTasksCount
	Groups          map[string]int // task group -> count of non-stopped tasks of that group
}

// Need is what one task asks of an instance.
type Need struct {
	CPU, Memory        int      // task-level reservation (cpu units, MiB)
	Ports              []string // static host ports "tcp/80"
	ENI                bool     // awsvpc task: needs one free ENI
	Group              string   // "service:web" or "family:x"
	RequiredAttributes []string // requiresAttributes names
}

// Request is one placement: the task's need plus the strategies and constraints.
type Request struct {
	Need        Need
	Strategies  []ecs.PlacementStrategy
	Constraints []ecs.PlacementConstraint
	Service     bool
}

// Place picks the instance for one task.
func Place(cands []Candidate, req Request, rnd *rand.Rand) (index int, failure string) {
	return -1, "NO ACTIVE INSTANCES"
}

// Reserve applies a placement to the candidate.
func (c *Candidate) Reserve(n Need) {}

// Release undoes Reserve.
func (c *Candidate) Release(n Need) {}

// ValidatePlacement checks strategies and constraints as ECS does.
func ValidatePlacement(strategies []ecs.PlacementStrategy, constraints []ecs.PlacementConstraint) error {
	return nil
}

// Placed is a running task on one of the candidates.
type Placed struct {
	TaskARN  string
	Instance int // index into cands
	Need     Need
}

// ChooseToStop picks which running task to stop on scale-in.
func ChooseToStop(cands []Candidate, running []Placed, strategies []ecs.PlacementStrategy, rnd *rand.Rand) int {
	if len(running) == 0 {
		return -1
	}
	return 0
}
