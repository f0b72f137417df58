// Package instview is how container instances are shown: DescribeContainerInstances,
// ListContainerInstances, and the described instance other operations return.
package instview

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// shownInstance is instance i of c as DescribeContainerInstances shows it.
func shownInstance(c *state.Capacity, i int, include []string) *ecs.ContainerInstance {
	ci := *c.Recs[i].Instance
	cand := c.Cands[i]
	ci.RunningTasksCount, ci.PendingTasksCount = c.Running[i], c.Pending[i]
	var tcp, udp []string
	for p := range cand.UsedPorts {
		proto, port, _ := strings.Cut(p, "/")
		if proto == "udp" {
			udp = append(udp, port)
		} else {
			tcp = append(tcp, port)
		}
	}
	slices.SortFunc(tcp, comparePorts)
	slices.SortFunc(udp, comparePorts)
	ci.RemainingResources = []ecs.Resource{
		{Name: "CPU", Type: "INTEGER", IntegerValue: cand.RemainingCPU},
		{Name: "MEMORY", Type: "INTEGER", IntegerValue: cand.RemainingMemory},
		{Name: "PORTS", Type: "STRINGSET", StringSetValue: nonNil(tcp)},
		{Name: "PORTS_UDP", Type: "STRINGSET", StringSetValue: nonNil(udp)},
	}
	if !slices.Contains(include, "TAGS") {
		ci.Tags = nil
	} else if ci.Tags == nil {
		ci.Tags = []ecs.Tag{}
	}
	if slices.Contains(include, "CONTAINER_INSTANCE_HEALTH") {
		status := "OK"
		if !ci.AgentConnected {
			status = "IMPAIRED"
		}
		ci.HealthStatus = &ecs.InstanceHealthStatus{OverallStatus: status, Details: []ecs.InstanceHealthDetail{
			{Type: "CONTAINER_RUNTIME", Status: status, LastUpdated: ci.RegisteredAt, LastStatusChange: ci.RegisteredAt}}}
	}
	return &ci
}

func comparePorts(a, b string) int { return atoiOr(a, 0) - atoiOr(b, 0) }

// Describe shows instances by ARN as DescribeContainerInstances does, INACTIVE ones
// included (unknown ones are left out), reading each cluster's capacity once.
func Describe(st *state.State, arns []string) []*ecs.ContainerInstance {
	var out []*ecs.ContainerInstance
	st.Store.View(func() {
		caps := map[string]*state.Capacity{}
		for _, arn := range arns {
			k := state.InstanceKeyOf(arn)
			r, ok := st.Instances.Get(k)
			if !ok {
				continue
			}
			if r.Instance.Status == ecs.InstanceInactive {
				ci := *r.Instance
				ci.RemainingResources = ci.RegisteredResources
				out = append(out, &ci)
				continue
			}
			ck := k[:strings.LastIndexByte(k, 0)]
			c, ok := caps[ck]
			if !ok {
				c = st.CapacityOf(ck)
				caps[ck] = c
			}
			out = append(out, shownInstance(c, c.Index[arn], nil))
		}
	})
	return out
}

// DescribeContainerInstances shows instances with their remaining resources and task
// counts; unknown ones come back as MISSING failures.
func DescribeContainerInstances(ctx context.Context, st *state.State, in *ecs.DescribeContainerInstancesInput) (*ecs.ContainerInstancesOutput, error) {
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("ContainerInstances cannot be empty.")
	}
	if len(in.ContainerInstances) > 100 {
		return nil, ecs.InvalidParameter("ContainerInstances can have at most 100 items.")
	}
	for _, inc := range in.Include {
		if !ecs.EnumContainerInstanceField.Has(inc) {
			return nil, ecs.InvalidParameter("Invalid include '%s'. Valid values: %s.", inc, ecs.EnumContainerInstanceField.List())
		}
	}
	sc := st.Scope(ctx)
	out := &ecs.ContainerInstancesOutput{ContainerInstances: []*ecs.ContainerInstance{}, Failures: []ecs.Failure{}}
	var err error
	st.Store.View(func() {
		var ck string
		var cluster *ecs.Cluster
		if ck, cluster, err = st.ActiveCluster(ctx, in.Cluster); err != nil {
			return
		}
		c := st.CapacityOf(ck)
		for _, ref := range in.ContainerInstances {
			_, r, rerr := st.ResolveInstance(ck, ref)
			if rerr != nil {
				arn := ref
				if _, isARN := ecs.ParseARN(ref); !isARN {
					arn = sc.ContainerInstanceARN(cluster.ClusterName, ref)
				}
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			if i, ok := c.Index[r.Instance.ContainerInstanceArn]; ok {
				out.ContainerInstances = append(out.ContainerInstances, shownInstance(c, i, in.Include))
				continue
			}
			ci := *r.Instance // INACTIVE: describable for an hour
			ci.RemainingResources = ci.RegisteredResources
			if !slices.Contains(in.Include, "TAGS") {
				ci.Tags = nil
			}
			out.ContainerInstances = append(out.ContainerInstances, &ci)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListContainerInstances lists a cluster's instances, optionally those of one status
// or matching a cluster query language filter (spec §4.7). INACTIVE instances are
// never listed.
func ListContainerInstances(ctx context.Context, st *state.State, in *ecs.ListContainerInstancesInput) (*ecs.ListContainerInstancesOutput, error) {
	if in.Status != "" && !ecs.EnumContainerInstanceStatus.Has(in.Status) {
		return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", in.Status, ecs.EnumContainerInstanceStatus.List())
	}
	var filter *ec2sim.Expr
	if in.Filter != "" {
		var err error
		if filter, err = ec2sim.ParseExpression(in.Filter); err != nil {
			return nil, err
		}
	}
	out := &ecs.ListContainerInstancesOutput{ContainerInstanceArns: []string{}}
	var err error
	st.Store.View(func() {
		var ck string
		if ck, _, err = st.ActiveCluster(ctx, in.Cluster); err != nil {
			return
		}
		var p paging.Page
		if p, err = paging.New(in.ListInput, ck+"\x00", 100, 100); err != nil {
			return
		}
		c := st.CapacityOf(ck)
		recs, next := paging.List(st.Instances, p, ck+"\x00", false, func(_ string, r *state.Instance) bool {
			st := r.Instance.Status
			if st == ecs.InstanceInactive || (in.Status != "" && st != in.Status) {
				return false
			}
			if filter == nil {
				return true
			}
			i := c.Index[r.Instance.ContainerInstanceArn]
			return filter.Match(&c.Cands[i])
		})
		for _, r := range recs {
			out.ContainerInstanceArns = append(out.ContainerInstanceArns, r.Instance.ContainerInstanceArn)
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
