package instances

import (
	"context"
	"regexp"
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// ASG is a simulated Auto Scaling group as the ecsmini API shows it.
type ASG struct {
	Name                 string   `json:"name"`
	ARN                  string   `json:"autoScalingGroupArn"`
	Cluster              string   `json:"cluster"`
	InstanceType         string   `json:"instanceType"`
	AvailabilityZones    []string `json:"availabilityZones"`
	Spot                 bool     `json:"spot"`
	MinSize              int      `json:"minSize"`
	MaxSize              int      `json:"maxSize"`
	DesiredCapacity      int      `json:"desiredCapacity"`
	Instances            int      `json:"instances"`
	Booting              int      `json:"booting"`
	CapacityProvider     string   `json:"capacityProvider,omitempty"`
	ManagedScaling       bool     `json:"managedScaling"`
	Reservation          float64  `json:"capacityProviderReservation"`
	LastScalingDecision  string   `json:"lastScalingDecision,omitempty"`
	ProvisioningTasks    int      `json:"provisioningTasks"`
	ContainerInstanceIDs []string `json:"containerInstanceIds"`
}

var asgNameRE = regexp.MustCompile(`^[\w\-.:/@ ]{1,255}$`)

// CreateASG creates a simulated Auto Scaling group. Point a capacity provider's
// autoScalingGroupArn at its ARN (or name) to scale it with managed scaling.
func (o *Ops) CreateASG(ctx context.Context, in state.ASGRequest) (*ASG, error) {
	sc := o.st.Scope(ctx)
	if !asgNameRE.MatchString(in.Name) {
		return nil, ecs.InvalidParameter("Auto Scaling group name %q is invalid.", in.Name)
	}
	if in.InstanceType == "" {
		in.InstanceType = defaultInstanceType
	}
	if _, ok := ec2sim.LookupInstanceType(in.InstanceType); !ok {
		return nil, ecs.InvalidParameter("Instance type %s is not one ecsmini simulates; see 'ecsmini instance types'.", in.InstanceType)
	}
	if len(in.AvailabilityZones) == 0 {
		in.AvailabilityZones = []string{sc.Region + "a", sc.Region + "b", sc.Region + "c"}
	}
	r := &state.ASG{Name: in.Name, InstanceType: in.InstanceType, AZs: in.AvailabilityZones, Spot: in.Spot, Max: 10,
		ARN: asgARN(sc, in.Name)}
	if err := r.Resize(in); err != nil {
		return nil, err
	}
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ref := in.Cluster
		if ref == "" {
			// The cluster a capacity provider naming this group is associated with:
			// a configuration may declare provider and cluster before the group.
			ref = o.clusterOfASGName(sc.Region, in.Name)
		}
		_, c, err := o.h.ClusterForUse(ctx, tx, ref)
		if err != nil {
			return err
		}
		r.Cluster = c.ClusterName
		k := state.Key(sc.Region, in.Name)
		if _, ok := o.st.ASGs.Get(k); ok {
			return ecs.InvalidParameter("AlreadyExists: Auto Scaling group %s already exists.", in.Name)
		}
		o.st.ASGs.Put(tx, k, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	o.h.Poke()
	return o.showASG(ctx, in.Name)
}

// UpdateASG changes a group's sizes, as `aws autoscaling update-auto-scaling-group`.
func (o *Ops) UpdateASG(ctx context.Context, in state.ASGRequest) (*ASG, error) {
	sc := o.st.Scope(ctx)
	err := o.st.Store.Update(func(tx *store.Tx) error {
		k := state.Key(sc.Region, in.Name)
		old, ok := o.st.ASGs.Get(k)
		if !ok {
			return ecs.InvalidParameter("Auto Scaling group %s not found.", in.Name)
		}
		r := *old
		if err := r.Resize(in); err != nil {
			return err
		}
		o.st.ASGs.Put(tx, k, &r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	o.h.Poke()
	return o.showASG(ctx, in.Name)
}

// DeleteASG deletes a group and terminates its instances.
func (o *Ops) DeleteASG(ctx context.Context, name string) error {
	sc := o.st.Scope(ctx)
	var stopped []*ecs.Task
	var gone []string
	err := o.st.Store.Update(func(tx *store.Tx) error {
		k := state.Key(sc.Region, name)
		r, ok := o.st.ASGs.Get(k)
		if !ok {
			return ecs.InvalidParameter("Auto Scaling group %s not found.", name)
		}
		ck := state.Key(sc.Region, r.Cluster)
		c := o.st.CapacityOf(ck)
		for i, ir := range c.Recs {
			if ir.ASG == name {
				stopped = append(stopped, o.ec2.StopPlaced(tx, c.Tasks[i], ecs.StopTerminationNotice, ec2ctl.TerminatedReason(ir))...)
				o.ec2.RetireInstance(tx, state.InstanceKeyOf(ir.Instance.ContainerInstanceArn), ir, "Instance terminated")
				gone = append(gone, ir.Instance.ContainerInstanceArn)
			}
		}
		o.st.ASGs.Delete(tx, k)
		return nil
	})
	if err != nil {
		return err
	}
	o.ec2.AfterStops(stopped)
	o.Changed(gone...)
	return nil
}

// ASGs lists the region's simulated Auto Scaling groups.
func (o *Ops) ASGs(ctx context.Context) ([]*ASG, error) {
	sc := o.st.Scope(ctx)
	var names []string
	o.st.Store.View(func() {
		prefix := sc.Region + "\x00"
		o.st.ASGs.Ascend(prefix, func(k string, r *state.ASG) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			names = append(names, r.Name)
			return true
		})
	})
	out := []*ASG{}
	for _, n := range names {
		a, err := o.showASG(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (o *Ops) showASG(ctx context.Context, name string) (*ASG, error) {
	sc := o.st.Scope(ctx)
	var out *ASG
	o.st.Store.View(func() {
		r, ok := o.st.ASGs.Get(state.Key(sc.Region, name))
		if !ok {
			return
		}
		out = &ASG{Name: r.Name, ARN: r.ARN, Cluster: r.Cluster, InstanceType: r.InstanceType, AvailabilityZones: r.AZs,
			Spot: r.Spot, MinSize: r.Min, MaxSize: r.Max, DesiredCapacity: r.Desired, Booting: len(r.Booting),
			Reservation: r.Reservation, LastScalingDecision: r.LastReason, ContainerInstanceIDs: []string{}}
		if cp := o.ec2.ProviderOfASG(sc.Region, r); cp != nil {
			out.CapacityProvider = cp.Name
			out.ManagedScaling = ec2ctl.ManagedScaling(cp)
		}
		for _, ir := range o.st.InstancesOf(state.Key(sc.Region, r.Cluster)) {
			if ir.ASG == r.Name && ir.Instance.Status != ecs.InstanceInactive {
				out.Instances++
				arn := ir.Instance.ContainerInstanceArn
				out.ContainerInstanceIDs = append(out.ContainerInstanceIDs, arn[strings.LastIndexByte(arn, '/')+1:])
			}
		}
		if out.CapacityProvider != "" {
			out.ProvisioningTasks = len(o.ec2.WaitingTasks(state.Key(sc.Region, r.Cluster), out.CapacityProvider))
		}
	})
	if out == nil {
		return nil, ecs.InvalidParameter("Auto Scaling group %s not found.", name)
	}
	return out, nil
}
