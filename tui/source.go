package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Source is what the dashboard watches: a full snapshot, taken again whenever the
// event stream says something changed, and the stream itself.
type Source interface {
	// Snapshot reads the whole emulator state the dashboard shows.
	Snapshot(ctx context.Context) (*Snapshot, error)
	// Events delivers the retained events first, then new ones, until ctx ends; the
	// channel is closed then (or when the stream breaks).
	Events(ctx context.Context) (<-chan Event, error)
	// Logs follows a task's container output (the recent tail first) until ctx ends or
	// the containers stop; the channel is closed then.
	Logs(ctx context.Context, taskARN string) (<-chan string, error)
}

// Actions are the dashboard's keys as API calls: each goes through the same API a user
// would call (ECS or ecsmini's own endpoints). A returned message is shown in the
// status line.
type Actions interface {
	ScaleService(ctx context.Context, cluster, service string, desired int) error
	ForceNewDeployment(ctx context.Context, cluster, service string) error
	StopTask(ctx context.Context, cluster, taskARN, reason string) error
	InterruptSpot(ctx context.Context, cluster, taskARN string) error
	// Retire schedules the retirement of one task, or of a service's tasks when taskARN
	// is empty, and says when it happens.
	Retire(ctx context.Context, cluster, service, taskARN string) (time.Time, error)
	// SetInstanceState sets a container instance ACTIVE or DRAINING.
	SetInstanceState(ctx context.Context, cluster, instanceARN, status string) error
	// AddInstance launches a simulated EC2 instance of a type into a zone ("" for the
	// emulator's defaults); TerminateInstance terminates one (its tasks stop, its Auto
	// Scaling group replaces it); InterruptSpotInstance gives an EC2 Spot instance its
	// two-minute notice.
	AddInstance(ctx context.Context, cluster, instanceType, az string) error
	TerminateInstance(ctx context.Context, cluster, instanceARN string) error
	InterruptSpotInstance(ctx context.Context, cluster, instanceARN string) error
	SetSpotCapacity(ctx context.Context, cluster string, available bool) error
	// AdvanceClock moves the emulator's clock ahead by span ("1m", "1h", "1d").
	AdvanceClock(ctx context.Context, span string) error
	// Shell is an ECS Exec session into the task's container, to run while the
	// dashboard lends it the terminal (tea.Exec); it ends when the shell does.
	Shell(cluster, taskARN string) (tea.ExecCommand, error)
}

// Snapshot is the emulator's state at one instant.
type Snapshot struct {
	// Now is the emulator's clock when the snapshot was taken; Scale its speed.
	Now   time.Time
	Scale float64
	// Endpoint is where the ECS API answers, shown in the header.
	Endpoint string
	Clusters []ClusterState
	// LoadBalancers maps a target group ARN to its local load balancer's address.
	LoadBalancers map[string]string
	// Retirements maps a task ARN, or "cluster/service", to its announced retirement.
	Retirements map[string]time.Time
	// Weights maps a target group ARN to its production traffic split while a
	// BLUE_GREEN, LINEAR or CANARY deployment shifts it: a weight per deployment ID
	// (any non-negative numbers; the view shows each one's share of the sum).
	Weights map[string]map[string]float64
}

// ClusterState is one cluster and everything in it.
type ClusterState struct {
	Cluster  *ecs.Cluster
	Services []*ecs.Service
	// Tasks are those desired RUNNING and those recently STOPPED.
	Tasks []*ecs.Task
	// Instances are the cluster's (simulated) EC2 container instances; nil when the
	// ecsmini does not simulate them.
	Instances []Instance
	// ASGs are the cluster's simulated Auto Scaling groups.
	ASGs []ASG
	// SpotAvailable is whether Fargate Spot has capacity; nil when unknown.
	SpotAvailable *bool
	// Cost is the cluster's estimated Fargate cost; nil when unknown.
	Cost *Cost
	// Rollouts are the service deployments in progress under BLUE_GREEN, LINEAR or
	// CANARY, by service name, as their service deployment records show them.
	Rollouts map[string]Rollout
}

// Rollout is a service deployment in progress.
type Rollout struct {
	// LifecycleStage is the record's lifecycleStage (BAKE_TIME, PRODUCTION_TRAFFIC_SHIFT, ...).
	LifecycleStage string
	// BakeEnds is when the bake in progress (the final bake, or a canary or linear
	// step's) ends on the emulator clock; zero when the source does not know.
	BakeEnds time.Time
}

// Instance is a container instance, from DescribeContainerInstances.
type Instance struct {
	ARN              string
	EC2InstanceID    string
	Status           string // ACTIVE, DRAINING, ...
	AgentConnected   bool
	InstanceType     string
	AvailabilityZone string
	CapacityProvider string
	ASG              string // the Auto Scaling group that launched it, if any
	CPU, Memory      Resource
	RunningTasks     int
	PendingTasks     int
}

// ASG is a simulated Auto Scaling group and its managed scaling.
type ASG struct {
	Name, InstanceType, CapacityProvider string
	Min, Max, Desired                    int
	Instances, Booting                   int
	Spot                                 bool
	// Reservation is CapacityProviderReservation (percent) with managed scaling.
	Reservation       float64
	ManagedScaling    bool
	ProvisioningTasks int
	LastDecision      string
}

// Resource is a registered amount and what of it is not reserved by tasks.
type Resource struct{ Registered, Remaining int }

// Cost is a cluster's estimate: its total and per service.
type Cost struct {
	Total      CostLine
	Services   map[string]CostLine // by service name
	Standalone CostLine
}

// CostLine sums a group of tasks.
type CostLine struct {
	Running            int
	SoFar, PerHour     float64
	SpotSavings        float64 // so far
	SpotSavingsPerHour float64
}

// Event is one event of the stream, reduced to what the dashboard shows.
type Event struct {
	Time       time.Time `json:"time"`
	DetailType string    `json:"detailType"`
	// Resource is the main resource's short name (task/cluster/ID, service/cluster/name).
	Resource string `json:"resource"`
	// Summary is one human line: what changed.
	Summary string `json:"summary"`
	// State is what the event says the resource is now (a task's LAST→DESIRED
	// status, a deployment's or service's event name, an instance's status), so that
	// a reader can skip events that change nothing it shows.
	State string `json:"state,omitempty"`
	// Cluster is the cluster name the event concerns, when known.
	Cluster string `json:"cluster,omitempty"`
	// RetireAt, Entities: an AWS Health retirement notice's date and its entities
	// (task ARNs or cluster/service).
	RetireAt time.Time `json:"retireAt,omitzero"`
	Entities []string  `json:"entities,omitempty"`
}

// Name returns the short name of an ARN (the part after the last '/').
func Name(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}
