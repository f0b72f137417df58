package express

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Host is what the operations need of the facade: the ECS operations that make and
// change the service and its task definition, and where a target group's local load
// balancer listens.
type Host interface {
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error)
	CreateService(context.Context, *ecs.CreateServiceInput) (*ecs.ServiceOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput) (*ecs.ServiceOutput, error)
	DeleteService(context.Context, *ecs.DeleteServiceInput) (*ecs.ServiceOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput) (*ecs.DescribeServicesOutput, error)
	// LoadBalancerPort is the localhost port of a target group's local load balancer
	// (where it listens, or will when its first target registers).
	LoadBalancerPort(targetGroupArn string) int
}

// Scaler is the part of Application Auto Scaling an Express service's scaling uses
// (*appscaling.Service has it).
type Scaler interface {
	RegisterScalableTarget(context.Context, *appscaling.RegisterScalableTargetInput) (*appscaling.RegisterScalableTargetOutput, error)
	PutScalingPolicy(context.Context, *appscaling.PutScalingPolicyInput) (*appscaling.PutScalingPolicyOutput, error)
	DeregisterScalableTarget(context.Context, *appscaling.DeregisterScalableTargetInput) (*appscaling.Empty, error)
}

// Record is what the table keeps of an Express service beside its ECS service.
type Record struct {
	ServiceArn            string    `json:"serviceArn"`
	ServiceName           string    `json:"serviceName"`
	ClusterArn            string    `json:"clusterArn"`
	ClusterName           string    `json:"clusterName"`
	InfrastructureRoleArn string    `json:"infrastructureRoleArn"`
	TargetGroupArn        string    `json:"targetGroupArn"`
	Tags                  []ecs.Tag `json:"tags,omitempty"`
	CreatedAt             time.Time `json:"createdAt"`
	UpdatedAt             time.Time `json:"updatedAt"`
	Deleted               bool      `json:"deleted,omitempty"`
	// Configs are the configurations applied, oldest first (the last maxConfigs).
	Configs []ecs.ExpressGatewayServiceConfiguration `json:"configs"`
}

// maxConfigs bounds the configurations kept per service.
const maxConfigs = 10

// Services serves the Express operations.
type Services struct {
	st    *state.State
	host  Host
	table *store.Table[Record]

	// ops serialises Create, Update and Delete: each is several commits through the
	// facade and Application Auto Scaling, read-modify-write on a record.
	ops sync.Mutex

	mu     sync.Mutex
	scaler Scaler // nil: no Application Auto Scaling (the service keeps its count)
}

// New makes the Express table on st's store; call it before the store is opened.
func New(st *state.State, host Host) *Services {
	return &Services{st: st, host: host, table: store.NewTable[Record](st.Store, "expressServices")}
}

// SetScaler connects Application Auto Scaling.
func (s *Services) SetScaler(sc Scaler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scaler = sc
}

func (s *Services) scalerOrNil() Scaler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scaler
}

// The Express defaults ECS applies when a request leaves them out.
const (
	defaultCPU           = "256"
	defaultMemory        = "512"
	defaultPort          = 80
	defaultHealthPath    = "/ping"
	defaultMinTasks      = 1
	defaultMaxTasks      = 20
	defaultMetric        = "AVERAGE_CPU"
	defaultTargetValue   = 60
	defaultArchitecture  = "X86_64"
	mainContainer        = "Main"
	defaultSubnet        = "subnet-0e0c5d1a2b3c4d5e6"
	scalingPolicyName    = "ecs-express-target-tracking"
	maxScalingTaskCounts = 1000
)

var (
	enumMetric = ecs.Enum{Shape: "ExpressGatewayServiceScalingMetric", Values: []string{"AVERAGE_CPU", "AVERAGE_MEMORY", "REQUEST_COUNT_PER_TARGET"}}
	enumArch   = ecs.Enum{Shape: "ExpressCpuArchitecture", Values: []string{"X86_64", "ARM64"}}
)

// key is the table key of a service.
func key(region, cluster, name string) string { return state.Key(region, cluster, name) }

// find resolves a serviceArn to its record; notFound is the error for a service that
// is not an Express service.
func (s *Services) find(ctx context.Context, serviceArn string, notFound func() error) (string, *Record, error) {
	if serviceArn == "" {
		return "", nil, ecs.InvalidParameter("serviceArn can not be blank.")
	}
	a, ok := ecs.ParseARN(serviceArn)
	if !ok || a.Service != "ecs" || a.Kind() != "service" {
		return "", nil, ecs.InvalidParameter("Invalid service ARN: %s", serviceArn)
	}
	cluster, name, ok := strings.Cut(a.Path(), "/")
	if !ok || cluster == "" || name == "" || strings.Contains(name, "/") {
		return "", nil, ecs.InvalidParameter("Invalid service ARN: %s. Use arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE.", serviceArn)
	}
	if !a.InAccount(s.st.AccountID) {
		return "", nil, notFound()
	}
	region := a.Region
	if region == "" {
		region = s.st.Scope(ctx).Region
	}
	k := key(region, cluster, name)
	var r *Record
	s.st.Store.View(func() {
		if v, ok := s.table.Get(k); ok {
			c := *v
			r = &c
		}
	})
	if r == nil {
		return "", nil, notFound()
	}
	return k, r, nil
}

// put writes a record in one commit.
func (s *Services) put(k string, r *Record) error {
	return s.st.Store.Update(func(tx *store.Tx) error {
		s.table.Put(tx, k, r)
		return nil
	})
}

// ecsService is the ECS service behind a record (nil once ECS has forgotten it).
func (s *Services) ecsService(ctx context.Context, r *Record) (*ecs.Service, error) {
	out, err := s.host.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: r.ClusterArn, Services: []string{r.ServiceArn}})
	if ee, ok := ecs.AsError(err); ok && ee.Code == ecs.CodeClusterNotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if len(out.Services) == 0 {
		return nil, nil
	}
	return out.Services[0], nil
}
