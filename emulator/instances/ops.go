package instances

import (
	"context"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/instview"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// DeregisterContainerInstance removes an instance from its cluster. With tasks still on
// it the caller must force it; ECS then orphans them, and ecsmini, whose tasks are real
// containers, stops them instead so nothing runs unaccounted. Services replace theirs.
func (o *Ops) DeregisterContainerInstance(ctx context.Context, in *ecs.DeregisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	if in.ContainerInstance == "" {
		return nil, ecs.InvalidParameter("containerInstance can not be blank.")
	}
	force := in.Force != nil && *in.Force
	ci, err := o.changeInstance(ctx, in.Cluster, in.ContainerInstance, o.st.ResolveInstance,
		func(tx *store.Tx, ck, ik string, r *state.Instance) ([]*ecs.Task, error) {
			if r.Instance.Status == ecs.InstanceInactive {
				return nil, nil
			}
			c := o.st.CapacityOf(ck)
			placed := c.Tasks[c.Index[r.Instance.ContainerInstanceArn]]
			if len(placed) > 0 && !force {
				return nil, ecs.InvalidParameter("Found running tasks on the instance.")
			}
			stopped := o.ec2.StopPlaced(tx, placed, ecs.StopTerminationNotice, "Container instance deregistered")
			o.ec2.RetireInstance(tx, ik, r, "")
			return stopped, nil
		})
	if err != nil {
		return nil, err
	}
	return &ecs.ContainerInstanceOutput{ContainerInstance: ci}, nil
}

// changeInstance runs change on one instance of a cluster, found by lookup, in one
// store transaction; then the tasks change stopped are stopped and the instance's new
// state announced.
func (o *Ops) changeInstance(ctx context.Context, cluster, ref string, lookup func(ck, ref string) (string, *state.Instance, error),
	change func(tx *store.Tx, ck, ik string, r *state.Instance) ([]*ecs.Task, error)) (*ecs.ContainerInstance, error) {
	var arn string
	var stopped []*ecs.Task
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ck, _, err := o.st.ActiveCluster(ctx, cluster)
		if err != nil {
			return err
		}
		ik, r, err := lookup(ck, ref)
		if err != nil {
			return err
		}
		arn = r.Instance.ContainerInstanceArn
		stopped, err = change(tx, ck, ik, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	o.ec2.AfterStops(stopped)
	return firstInstance(o.Changed(arn)), nil
}

// UpdateContainerInstancesState drains instances or makes them ACTIVE again (spec
// §3.5). Draining moves service tasks elsewhere within their deployment limits, which
// the service scheduler does; standalone tasks stay.
func (o *Ops) UpdateContainerInstancesState(ctx context.Context, in *ecs.UpdateContainerInstancesStateInput) (*ecs.ContainerInstancesOutput, error) {
	if in.Status != ecs.InstanceActive && in.Status != ecs.InstanceDraining {
		return nil, ecs.InvalidParameter("Container instances status should be one of [ACTIVE, DRAINING].")
	}
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("ContainerInstances cannot be empty.")
	}
	if len(in.ContainerInstances) > 10 {
		return nil, ecs.InvalidParameter("ContainerInstances can have at most 10 items.")
	}
	sc := o.st.Scope(ctx)
	out := &ecs.ContainerInstancesOutput{ContainerInstances: []*ecs.ContainerInstance{}, Failures: []ecs.Failure{}}
	var changed, shown []string
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ck, cluster, err := o.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		for _, ref := range in.ContainerInstances {
			ik, r, err := o.st.ResolveInstance(ck, ref)
			if err != nil || r.Instance.Status == ecs.InstanceInactive {
				arn := ref
				if _, isARN := ecs.ParseARN(ref); !isARN {
					arn = sc.ContainerInstanceARN(cluster.ClusterName, ref)
				}
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			shown = append(shown, r.Instance.ContainerInstanceArn)
			if r.Instance.Status == in.Status {
				continue
			}
			if o.setInstanceStatus(tx, ik, r, in.Status) {
				changed = append(changed, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	o.Changed(changed...)
	out.ContainerInstances = append(out.ContainerInstances, instview.Describe(o.st, shown)...)
	return out, nil
}

// setInstanceStatus moves an instance between ACTIVE and DRAINING.
func (o *Ops) setInstanceStatus(tx *store.Tx, ik string, r *state.Instance, status string) bool {
	if r.Instance.Status == status || r.Instance.Status == ecs.InstanceInactive {
		return false
	}
	next := *r
	ci := *r.Instance
	ci.Status, ci.Version = status, ci.Version+1
	next.Instance = &ci
	o.st.Instances.Put(tx, ik, &next)
	return true
}

// Reap forgets INACTIVE instances after ttl.
func (o *Ops) Reap(now time.Time, ttl time.Duration) error {
	var due []string
	o.st.Store.View(func() {
		o.st.Instances.Ascend("", func(k string, r *state.Instance) bool {
			if r.InactiveAt != nil && now.Sub(*r.InactiveAt) >= ttl {
				due = append(due, k)
			}
			return true
		})
	})
	if len(due) == 0 {
		return nil
	}
	return o.st.Store.Update(func(tx *store.Tx) error {
		for _, k := range due {
			o.st.Instances.Delete(tx, k)
		}
		return nil
	})
}

// instanceDetail is a container instance as ECS Container Instance State Change events
// show it: the DescribeContainerInstances object with its cluster and an ISO 8601
// updatedAt.
type instanceDetail struct {
	*ecs.ContainerInstance
	ClusterArn   string `json:"clusterArn"`
	RegisteredAt string `json:"registeredAt,omitempty"`
	UpdatedAt    string `json:"updatedAt"`
}

// emitInstance publishes an instance's state.
func (o *Ops) emitInstance(ci *ecs.ContainerInstance) {
	a, _ := ecs.ParseARN(ci.ContainerInstanceArn)
	cluster, _, _ := strings.Cut(a.Path(), "/")
	d := instanceDetail{ContainerInstance: ci, ClusterArn: ecs.Scope{Region: a.Region, Account: a.Account}.ClusterARN(cluster),
		UpdatedAt: events.Stamp(o.st.Clock.Now())}
	if ci.RegisteredAt != nil {
		d.RegisteredAt = events.Stamp(ci.RegisteredAt.Time)
	}
	o.h.EmitInstance(ci.ContainerInstanceArn, d)
}

// TerminateInstance simulates terminating a container instance's EC2 instance: its
// agent deregisters it on the way down, its tasks stop, and its Auto Scaling group (if
// any) launches a replacement to keep its desired capacity.
func (o *Ops) TerminateInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return o.changeInstance(ctx, cluster, ref, o.st.FindInstance, func(tx *store.Tx, ck, ik string, r *state.Instance) ([]*ecs.Task, error) {
		if r.Instance.Status == ecs.InstanceInactive {
			return nil, nil
		}
		c := o.st.CapacityOf(ck)
		stopped := o.ec2.StopPlaced(tx, c.Tasks[c.Index[r.Instance.ContainerInstanceArn]], ecs.StopTerminationNotice, ec2ctl.TerminatedReason(r))
		o.ec2.RetireInstance(tx, ik, r, "Instance terminated")
		return stopped, nil
	})
}

// InterruptSpotInstance gives a Spot instance EC2's two-minute notice: ECS sets it
// DRAINING (as with ECS_ENABLE_SPOT_INSTANCE_DRAINING) so services move their tasks,
// and the instance terminates when the notice ends (spec §3.6).
func (o *Ops) InterruptSpotInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return o.changeInstance(ctx, cluster, ref, o.st.FindInstance, func(tx *store.Tx, _, ik string, r *state.Instance) ([]*ecs.Task, error) {
		if !r.Spot {
			return nil, ecs.InvalidParameter("Container instance %s is not a Spot instance.", ref)
		}
		if r.Instance.Status == ecs.InstanceInactive {
			return nil, ecs.InvalidParameter("Container instance %s is INACTIVE.", ref)
		}
		o.ec2.NoticeSpot(tx, ik, r)
		return nil, nil
	})
}
