package emulator

import (
	"context"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/instview"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// DeregisterContainerInstance removes an instance from its cluster. With tasks still on
// it the caller must force it; ECS then orphans them, and ecsmini, whose tasks are real
// containers, stops them instead so nothing runs unaccounted. Services replace theirs.
func (e *Emulator) DeregisterContainerInstance(ctx context.Context, in *ecs.DeregisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	if in.ContainerInstance == "" {
		return nil, ecs.InvalidParameter("containerInstance can not be blank.")
	}
	force := in.Force != nil && *in.Force
	ci, err := e.changeInstance(ctx, in.Cluster, in.ContainerInstance, e.st.ResolveInstance,
		func(tx *store.Tx, ck, ik string, r *instanceRecord) ([]*ecs.Task, error) {
			if r.Instance.Status == ecs.InstanceInactive {
				return nil, nil
			}
			c := e.st.CapacityOf(ck)
			placed := c.Tasks[c.Index[r.Instance.ContainerInstanceArn]]
			if len(placed) > 0 && !force {
				return nil, ecs.InvalidParameter("Found running tasks on the instance.")
			}
			stopped := e.ec2.StopPlaced(tx, placed, ecs.StopTerminationNotice, "Container instance deregistered")
			e.ec2.RetireInstance(tx, ik, r, "")
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
func (e *Emulator) changeInstance(ctx context.Context, cluster, ref string, lookup func(ck, ref string) (string, *instanceRecord, error),
	change func(tx *store.Tx, ck, ik string, r *instanceRecord) ([]*ecs.Task, error)) (*ecs.ContainerInstance, error) {
	var arn string
	var stopped []*ecs.Task
	err := e.store.Update(func(tx *store.Tx) error {
		ck, _, err := e.st.ActiveCluster(ctx, cluster)
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
	e.ec2.AfterStops(stopped)
	return firstInstance(e.instancesChanged(arn)), nil
}

// UpdateContainerInstancesState drains instances or makes them ACTIVE again (spec
// §3.5). Draining moves service tasks elsewhere within their deployment limits, which
// the service scheduler does; standalone tasks stay.
func (e *Emulator) UpdateContainerInstancesState(ctx context.Context, in *ecs.UpdateContainerInstancesStateInput) (*ecs.ContainerInstancesOutput, error) {
	if in.Status != ecs.InstanceActive && in.Status != ecs.InstanceDraining {
		return nil, ecs.InvalidParameter("Container instances status should be one of [ACTIVE, DRAINING].")
	}
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("ContainerInstances cannot be empty.")
	}
	if len(in.ContainerInstances) > 10 {
		return nil, ecs.InvalidParameter("ContainerInstances can have at most 10 items.")
	}
	sc := e.st.Scope(ctx)
	out := &ecs.ContainerInstancesOutput{ContainerInstances: []*ecs.ContainerInstance{}, Failures: []ecs.Failure{}}
	var changed, shown []string
	err := e.store.Update(func(tx *store.Tx) error {
		ck, cluster, err := e.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		for _, ref := range in.ContainerInstances {
			ik, r, err := e.st.ResolveInstance(ck, ref)
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
			if e.setInstanceStatus(tx, ik, r, in.Status) {
				changed = append(changed, r.Instance.ContainerInstanceArn)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.instancesChanged(changed...)
	out.ContainerInstances = append(out.ContainerInstances, instview.Describe(e.st, shown)...)
	return out, nil
}

// setInstanceStatus moves an instance between ACTIVE and DRAINING.
func (e *Emulator) setInstanceStatus(tx *store.Tx, ik string, r *instanceRecord, status string) bool {
	if r.Instance.Status == status || r.Instance.Status == ecs.InstanceInactive {
		return false
	}
	next := *r
	ci := *r.Instance
	ci.Status, ci.Version = status, ci.Version+1
	next.Instance = &ci
	e.instances.Put(tx, ik, &next)
	return true
}

// reapInstances forgets INACTIVE instances after ttl.
func (e *Emulator) reapInstances(now time.Time, ttl time.Duration) error {
	var due []string
	e.store.View(func() {
		e.instances.Ascend("", func(k string, r *instanceRecord) bool {
			if r.InactiveAt != nil && now.Sub(*r.InactiveAt) >= ttl {
				due = append(due, k)
			}
			return true
		})
	})
	if len(due) == 0 {
		return nil
	}
	return e.store.Update(func(tx *store.Tx) error {
		for _, k := range due {
			e.instances.Delete(tx, k)
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
func (e *Emulator) emitInstance(ci *ecs.ContainerInstance) {
	a, _ := ecs.ParseARN(ci.ContainerInstanceArn)
	cluster, _, _ := strings.Cut(a.Path(), "/")
	d := instanceDetail{ContainerInstance: ci, ClusterArn: ecs.Scope{Region: a.Region, Account: a.Account}.ClusterARN(cluster),
		UpdatedAt: events.Stamp(e.cfg.Clock.Now())}
	if ci.RegisteredAt != nil {
		d.RegisteredAt = events.Stamp(ci.RegisteredAt.Time)
	}
	e.ev.ContainerInstance(ci.ContainerInstanceArn, d)
}

// TerminateInstance simulates terminating a container instance's EC2 instance: its
// agent deregisters it on the way down, its tasks stop, and its Auto Scaling group (if
// any) launches a replacement to keep its desired capacity.
func (e *Emulator) TerminateInstance(ctx context.Context, cluster, ref string) (*ecs.ContainerInstance, error) {
	return e.changeInstance(ctx, cluster, ref, e.st.FindInstance, func(tx *store.Tx, ck, ik string, r *instanceRecord) ([]*ecs.Task, error) {
		if r.Instance.Status == ecs.InstanceInactive {
			return nil, nil
		}
		c := e.st.CapacityOf(ck)
		stopped := e.ec2.StopPlaced(tx, c.Tasks[c.Index[r.Instance.ContainerInstanceArn]], ecs.StopTerminationNotice, ec2ctl.TerminatedReason(r))
		e.ec2.RetireInstance(tx, ik, r, "Instance terminated")
		return stopped, nil
	})
}
