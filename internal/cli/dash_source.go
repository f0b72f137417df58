package cli

import (
	"context"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
	"github.com/ecsmini/ecsmini/tui"
)

// dashSource is the dashboard's tui.Source over a running ecsmini's HTTP API: the ECS
// API for clusters, services, tasks and container instances, and ecsmini's own
// endpoints for the clock, Spot capacity, cost, load balancers, events and logs. Both
// `ecsmini up` (pointed at its own listener) and `ecsmini dash` use it, so there is one
// code path.
type dashSource struct {
	endpoint string
	c        *ecsminiapi.Client

	mu sync.Mutex
	// retirements are the announced retirements seen in the event stream (AWS Health
	// events) or scheduled from the dashboard: by task ARN or "cluster/service".
	retirements map[string]time.Time
	// noInstances is set once the ecsmini answers that it does not know the container
	// instance operations, so they are not asked again.
	noInstances bool
}

func newDashSource(endpoint string) *dashSource {
	return &dashSource{endpoint: endpoint, c: newClient(endpoint), retirements: map[string]time.Time{}}
}

// Snapshot reads every cluster with its services, tasks (running and recently
// stopped), container instances, Spot capacity and cost, plus the clock.
func (s *dashSource) Snapshot(ctx context.Context) (*tui.Snapshot, error) {
	clk, err := s.c.Clock(ctx)
	if err != nil {
		return nil, err
	}
	arns, err := s.c.ListClusters(ctx)
	if err != nil {
		return nil, err
	}
	snap := &tui.Snapshot{Now: clk.Now, Scale: clk.Scale, Endpoint: s.endpoint, Retirements: s.retired()}
	lbs, lbErr := lbInfos(ctx, s.c)
	if lbErr == nil {
		snap.LoadBalancers, snap.Weights = map[string]string{}, map[string]map[string]float64{}
		for tg, lb := range lbs {
			snap.LoadBalancers[tg] = lb.addr
			if len(lb.weights) > 0 {
				snap.Weights[tg] = lb.weights
			}
		}
	}
	cost, costErr := s.c.Cost(ctx, "")
	asgs, _ := s.c.ASGs(ctx) // an ecsmini without them has none
	for len(arns) > 0 {
		n := min(len(arns), 100)
		var out ecs.DescribeClustersOutput
		if err := s.c.Call(ctx, "DescribeClusters", &ecs.DescribeClustersInput{Clusters: arns[:n]}, &out); err != nil {
			return nil, err
		}
		arns = arns[n:]
		for _, cl := range out.Clusters {
			if cl.Status != ecs.ClusterActive {
				continue // deleted: ListClusters keeps it a while, as ECS does
			}
			cs, err := s.cluster(ctx, cl)
			if isCode(err, ecs.CodeClusterNotFound) {
				continue // deleted while we looked
			}
			if err != nil {
				return nil, err
			}
			if costErr == nil {
				cs.Cost = clusterCost(*cost, cl.ClusterArn)
			}
			addASGs(&cs, asgs.AutoScalingGroups)
			addBakeEnds(&cs, lbs)
			snap.Clusters = append(snap.Clusters, cs)
		}
	}
	return snap, nil
}

func (s *dashSource) cluster(ctx context.Context, cl *ecs.Cluster) (tui.ClusterState, error) {
	cs := tui.ClusterState{Cluster: cl}
	var err error
	if cs.Services, err = s.c.Services(ctx, cl.ClusterArn); err != nil {
		return cs, err
	}
	if cs.Rollouts, err = s.rollouts(ctx, cl.ClusterArn, cs.Services); err != nil {
		return cs, err
	}
	for _, desired := range []string{"RUNNING", "STOPPED"} {
		arns, err := s.c.ListTasks(ctx, ecs.ListTasksInput{Cluster: cl.ClusterArn, DesiredStatus: desired})
		if err != nil {
			return cs, err
		}
		tasks, err := s.c.DescribeTasks(ctx, cl.ClusterArn, arns)
		if err != nil {
			return cs, err
		}
		cs.Tasks = append(cs.Tasks, tasks...)
	}
	if spot, err := s.c.SpotCapacity(ctx, cl.ClusterName); err == nil {
		cs.SpotAvailable = spot.Available
	}
	cs.Instances, err = s.instances(ctx, cl.ClusterArn)
	return cs, err
}

// instances describes a cluster's container instances; nil, quietly, when the
// ecsmini does not simulate them.
func (s *dashSource) instances(ctx context.Context, cluster string) ([]tui.Instance, error) {
	s.mu.Lock()
	skip := s.noInstances
	s.mu.Unlock()
	if skip {
		return nil, nil
	}
	var arns []string
	in := ecs.ListContainerInstancesInput{Cluster: cluster}
	for {
		var out ecs.ListContainerInstancesOutput
		err := s.c.Call(ctx, "ListContainerInstances", &in, &out)
		if isCode(err, ecs.CodeUnknownOperation) {
			s.mu.Lock()
			s.noInstances = true
			s.mu.Unlock()
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		arns = append(arns, out.ContainerInstanceArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	insts := []tui.Instance{} // not nil: the cluster has none, which the view shows
	for len(arns) > 0 {
		n := min(len(arns), 100)
		var out ecs.ContainerInstancesOutput
		if err := s.c.Call(ctx, "DescribeContainerInstances", &ecs.DescribeContainerInstancesInput{Cluster: cluster, ContainerInstances: arns[:n]}, &out); err != nil {
			return nil, err
		}
		arns = arns[n:]
		for _, ci := range out.ContainerInstances {
			insts = append(insts, toDashInstance(ci))
		}
	}
	return insts, nil
}

func toDashInstance(ci *ecs.ContainerInstance) tui.Instance {
	in := tui.Instance{ARN: ci.ContainerInstanceArn, EC2InstanceID: ci.Ec2InstanceId, Status: ci.Status,
		AgentConnected: ci.AgentConnected, CapacityProvider: ci.CapacityProviderName,
		RunningTasks: ci.RunningTasksCount, PendingTasks: ci.PendingTasksCount}
	for _, a := range ci.Attributes {
		switch a.Name {
		case "ecs.instance-type":
			in.InstanceType = ecs.Deref(a.Value)
		case "ecs.availability-zone":
			in.AvailabilityZone = ecs.Deref(a.Value)
		}
	}
	res := func(list []ecs.Resource, name string) int {
		for _, r := range list {
			if r.Name == name {
				return r.IntegerValue
			}
		}
		return 0
	}
	in.CPU = tui.Resource{Registered: res(ci.RegisteredResources, "CPU"), Remaining: res(ci.RemainingResources, "CPU")}
	in.Memory = tui.Resource{Registered: res(ci.RegisteredResources, "MEMORY"), Remaining: res(ci.RemainingResources, "MEMORY")}
	return in
}

// addASGs gives the cluster its Auto Scaling groups and names each instance's group.
func addASGs(cs *tui.ClusterState, groups []*emulator.ASG) {
	byID := map[string]string{}
	for _, g := range groups {
		if g.Cluster != cs.Cluster.ClusterName && g.Cluster != cs.Cluster.ClusterArn {
			continue
		}
		cs.ASGs = append(cs.ASGs, tui.ASG{Name: g.Name, InstanceType: g.InstanceType, CapacityProvider: g.CapacityProvider,
			Min: g.MinSize, Max: g.MaxSize, Desired: g.DesiredCapacity, Instances: g.Instances, Booting: g.Booting, Spot: g.Spot,
			Reservation: g.Reservation, ManagedScaling: g.ManagedScaling, ProvisioningTasks: g.ProvisioningTasks,
			LastDecision: g.LastScalingDecision})
		for _, id := range g.ContainerInstanceIDs {
			byID[id] = g.Name
		}
	}
	for i := range cs.Instances {
		cs.Instances[i].ASG = byID[tui.Name(cs.Instances[i].ARN)]
	}
}

// clusterCost picks a cluster's part of the cost report.
func clusterCost(rep emulator.CostReport, clusterARN string) *tui.Cost {
	line := func(t emulator.CostTotal) tui.CostLine {
		return tui.CostLine{Running: t.Running, SoFar: t.Cost, PerHour: t.PerHour, SpotSavings: t.SpotSavings, SpotSavingsPerHour: t.SpotSavingsPer}
	}
	for _, c := range rep.Clusters {
		if c.ClusterArn != clusterARN {
			continue
		}
		out := &tui.Cost{Total: line(c.Total), Standalone: line(c.Standalone.Total), Services: map[string]tui.CostLine{}}
		for _, s := range c.Services {
			out.Services[s.Service] = line(s.Total)
		}
		return out
	}
	return &tui.Cost{Services: map[string]tui.CostLine{}} // no tasks yet: nothing spent
}

func (s *dashSource) retired() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.retirements))
	for k, v := range s.retirements {
		out[k] = v
	}
	return out
}

// noteRetirement remembers a retirement for the snapshots that follow.
func (s *dashSource) noteRetirement(key string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.retirements[key]; !ok {
		s.retirements[key] = at
	}
}

// addBakeEnds gives each rollout the end of its bake, which the load balancer of the
// service's production target group reports while its deployment shifts traffic.
func addBakeEnds(cs *tui.ClusterState, lbs map[string]lbInfo) {
	for _, svc := range cs.Services {
		r, ok := cs.Rollouts[svc.ServiceName]
		if !ok || len(svc.LoadBalancers) == 0 {
			continue
		}
		r.BakeEnds = lbs[svc.LoadBalancers[0].TargetGroupArn].bakeEnds
		cs.Rollouts[svc.ServiceName] = r
	}
}

// rollouts reads the service deployment record in progress of each service that
// shifts traffic (BLUE_GREEN, LINEAR, CANARY) while it deploys, for its lifecycle
// stage. The records carry no bake due time; addBakeEnds takes it from the load
// balancers.
func (s *dashSource) rollouts(ctx context.Context, cluster string, svcs []*ecs.Service) (map[string]tui.Rollout, error) {
	var out map[string]tui.Rollout
	for _, svc := range svcs {
		if !deploying(svc) {
			continue
		}
		var list ecs.ListServiceDeploymentsOutput
		err := s.c.Call(ctx, "ListServiceDeployments", &ecs.ListServiceDeploymentsInput{Cluster: cluster, Service: svc.ServiceArn,
			Status: []string{"PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"}}, &list)
		if isCode(err, ecs.CodeUnknownOperation) || isCode(err, ecs.CodeServiceNotFound) {
			continue // an older ecsmini, or deleted while we looked
		}
		if err != nil {
			return nil, err
		}
		if len(list.ServiceDeployments) == 0 {
			continue
		}
		var recs ecs.DescribeServiceDeploymentsOutput
		arn := list.ServiceDeployments[0].ServiceDeploymentArn
		if err := s.c.Call(ctx, "DescribeServiceDeployments", &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}}, &recs); err != nil {
			return nil, err
		}
		for _, r := range recs.ServiceDeployments {
			if out == nil {
				out = map[string]tui.Rollout{}
			}
			out[svc.ServiceName] = tui.Rollout{LifecycleStage: r.LifecycleStage}
		}
	}
	return out, nil
}

// deploying is whether a service shifts traffic between colours and has a
// deployment under way.
func deploying(svc *ecs.Service) bool {
	dc := svc.DeploymentConfiguration
	if dc == nil || (dc.Strategy != "BLUE_GREEN" && dc.Strategy != "LINEAR" && dc.Strategy != "CANARY") {
		return false
	}
	for _, d := range svc.Deployments {
		if d.Status != ecs.DeploymentPrimary || d.RolloutState == ecs.RolloutInProgress {
			return true
		}
	}
	return false
}
