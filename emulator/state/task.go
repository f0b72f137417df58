package state

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Task is a stored task: the task as DescribeTasks shows it plus what the agent
// needs to find its containers again.
type Task struct {
	Task        *ecs.Task `json:"task"`
	ClusterName string    `json:"clusterName"`
	ClientToken string    `json:"clientToken,omitempty"`
	// HostPorts are the static host ports ("tcp/8080") the task holds until it stops.
	HostPorts []string `json:"hostPorts,omitempty"`
	// Service is the store key of the service that started the task; Accounted is set
	// once the scheduler has counted the task's end (scheduler.Plan.Forget).
	Service   string `json:"service,omitempty"`
	Accounted bool   `json:"accounted,omitempty"`
	// HealthStop marks a task the scheduler stopped for failing health checks, which
	// the circuit breaker counts (spec §5.7 stage 2).
	HealthStop bool `json:"healthStop,omitempty"`
	// Draining holds a service task in DEACTIVATING while its load balancer target
	// drains: the agent sees it as still wanted until the drain ends (spec §5.4).
	Draining bool `json:"draining,omitempty"`
	// ProtectedUntil is the end of the task's scale-in protection (spec §5.11).
	ProtectedUntil *time.Time `json:"protectedUntil,omitempty"`
	// RetireAt is when Fargate retires the task (tasks spec §3.7; Emulator.Retire).
	RetireAt *time.Time `json:"retireAt,omitempty"`
	// Need is what the task reserves on the container instance it is (or will be)
	// placed on; nil for tasks that run on no simulated instance.
	Need *ec2sim.Need `json:"need,omitempty"`
	// Placement is how a task waiting for an Auto Scaling group's capacity is to be
	// placed once an instance can take it (nil: not waiting).
	Placement *Placement `json:"placement,omitempty"`
	// Daemon marks a task of a DAEMON service: it starts first and stops last on its
	// instance, and does not keep the instance from being scaled in (spec §5.3, §2.4).
	Daemon bool `json:"daemon,omitempty"`
	// ServiceConnect marks a task of a deployment with Service Connect enabled: in the
	// bridge network mode the agent gives it a task network of its own, as an awsvpc
	// task has, for its proxy and DNS server (ECS adds a pause container too).
	ServiceConnect bool `json:"serviceConnect,omitempty"`
	// Address is where the other tasks reach a bridge-mode Service Connect task: its
	// pause container's address on the cluster's task network, set by the agent. ECS
	// keeps it in Cloud Map, not in the task; an awsvpc task's is its ENI's.
	Address string `json:"address,omitempty"`
}

func TaskKey(region, cluster, id string) string { return Key(region, cluster, id) }

// ResolveTask finds a task of the cluster (default: default) by ID or ARN.
func (s *State) ResolveTask(ctx context.Context, clusterRef, ref string) (string, *Task, error) {
	ck, c, err := s.ActiveCluster(ctx, clusterRef)
	if err != nil {
		return "", nil, err
	}
	id := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Kind() != "task" {
			return "", nil, ecs.InvalidParameter("Task Identifier is invalid")
		}
		path := a.Path()
		if cl, tid, ok := strings.Cut(path, "/"); ok {
			if cl != c.ClusterName {
				return "", nil, ecs.InvalidParameter("Task belongs to a different cluster than the one specified.")
			}
			path = tid
		}
		id = path
	}
	if id == "" {
		return "", nil, ecs.InvalidParameter("Task Identifier is invalid")
	}
	region := LastRegion(ck)
	k := TaskKey(region, c.ClusterName, id)
	r, ok := s.Tasks.Get(k)
	if !ok {
		return "", nil, ecs.InvalidParameter("The referenced task was not found.")
	}
	return k, r, nil
}

// LastRegion returns the region part of a cluster key.
func LastRegion(clusterKey string) string { return clusterKey[:strings.IndexByte(clusterKey, 0)] }

// Placement is how a task waiting for capacity is to be placed once an instance
// can take it: the request's strategies and constraints.
type Placement struct {
	Strategies  []ecs.PlacementStrategy   `json:"strategies,omitempty"`
	Constraints []ecs.PlacementConstraint `json:"constraints,omitempty"`
	Service     bool                      `json:"service,omitempty"`
}

// Request is the ec2sim Request for a task with this need.
func (p *Placement) Request(need ec2sim.Need) ec2sim.Request {
	return ec2sim.Request{Need: need, Strategies: p.Strategies, Constraints: p.Constraints, Service: p.Service}
}

// Spot is a cluster's simulated Fargate Spot capacity (store table
// "spotCapacity", by cluster key); a cluster without one has capacity.
type Spot struct {
	Unavailable bool `json:"unavailable"`
}

// ErrUnchanged is what a change passed to Emulator.UpdateTask returns when nothing
// needed changing: nothing is written.
var ErrUnchanged = ecs.ClientError("unchanged")

// CloneTask copies a task deeply enough that changing the copy's fields, containers and
// attachments never touches the stored one.
func CloneTask(t *ecs.Task) *ecs.Task {
	c := *t
	c.Containers = slices.Clone(t.Containers)
	for i := range c.Containers {
		c.Containers[i].NetworkBindings = slices.Clone(t.Containers[i].NetworkBindings)
		c.Containers[i].NetworkInterfaces = slices.Clone(t.Containers[i].NetworkInterfaces)
	}
	c.Attachments = slices.Clone(t.Attachments)
	for i := range c.Attachments {
		c.Attachments[i].Details = slices.Clone(t.Attachments[i].Details)
	}
	c.Tags = slices.Clone(t.Tags)
	return &c
}
