package ec2ctl

import (
	"context"
	"slices"
	"time"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// ScalingInterval is how often managed scaling evaluates a capacity provider (spec §2.4).
const ScalingInterval = time.Minute

// scaleGroups runs the due managed-scaling evaluations, then brings every group's
// instance count to its desired capacity: launching instances (they register after
// InstanceBoot) or scaling in.
func (ctl *Ctl) scaleGroups(now time.Time, at func(time.Time)) {
	var changed []string
	var stopped []*ecs.Task
	err := ctl.st.Store.Update(func(tx *store.Tx) error {
		for _, k := range ctl.asgKeys() {
			old, _ := ctl.st.ASGs.Get(k)
			r := *old
			r.Booting = slices.Clone(old.Booting)
			region := state.LastRegion(k)
			ck := state.Key(region, r.Cluster)
			c := ctl.st.CapacityOf(ck)
			cp := ctl.ProviderOfASG(region, &r)
			if cp != nil && ManagedScaling(cp) {
				if !now.Before(r.NextEval) {
					ctl.evaluate(&r, cp, c, ck, now)
				}
				at(r.NextEval)
			} else {
				// Look again in a minute: a capacity provider may start to manage it.
				at(now.Add(ScalingInterval))
			}
			if cp != nil {
				changed = append(changed, ctl.adoptInstances(tx, &r, cp, c)...)
			}
			ours, live := groupInstances(&r, c)
			switch {
			case live+len(r.Booting) < r.Desired:
				counts := map[string]int{}
				for _, i := range ours {
					counts[c.Recs[i].AZ]++
				}
				for _, b := range r.Booting {
					counts[b.AZ]++
				}
				for n := live + len(r.Booting); n < r.Desired; n++ {
					r.Booting = append(r.Booting, state.BootingInstance{AZ: r.NextAZ(counts), At: now.Add(InstanceBoot)})
				}
			case live+len(r.Booting) > r.Desired:
				extra := live + len(r.Booting) - r.Desired
				cut := min(extra, len(r.Booting))
				r.Booting = r.Booting[:len(r.Booting)-cut]
				arns, gone := ctl.scaleIn(tx, &r, cp, c, extra-cut, now)
				changed = append(changed, arns...)
				stopped = append(stopped, gone...)
			}
			for _, b := range r.Booting {
				at(b.At)
			}
			if !equalASG(old, &r) {
				ctl.st.ASGs.Put(tx, k, &r)
			}
		}
		return nil
	})
	if err != nil {
		ctl.st.LogError("scale Auto Scaling groups", err)
		return
	}
	ctl.AfterStops(stopped)
	ctl.host.InstancesChanged(changed...)
}

// adoptInstances associates the group's instances with the capacity provider that now
// names the group: instances launched before the provider existed (or under another one)
// take its tasks from then on, as ECS associates a group's instances with its provider.
func (ctl *Ctl) adoptInstances(tx *store.Tx, r *state.ASG, cp *ecs.CapacityProvider, c *state.Capacity) []string {
	var arns []string
	for i, ir := range c.Recs {
		if ir.ASG != r.Name || ir.Instance.CapacityProviderName == cp.Name {
			continue
		}
		next := *ir
		ci := *ir.Instance
		ci.CapacityProviderName, ci.Version = cp.Name, ci.Version+1
		next.Instance = &ci
		ctl.st.Instances.Put(tx, state.InstanceKeyOf(ci.ContainerInstanceArn), &next)
		c.Recs[i] = &next
		arns = append(arns, ci.ContainerInstanceArn)
	}
	return arns
}

// groupInstances lists a group's instances in c, and how many of them count toward
// its capacity (those not already on their way out).
func groupInstances(r *state.ASG, c *state.Capacity) (ours []int, live int) {
	for i, ir := range c.Recs {
		if ir.ASG != r.Name {
			continue
		}
		ours = append(ours, i)
		if ir.TerminateAt == nil {
			live++
		}
	}
	return ours, live
}

// evaluate is one managed-scaling evaluation of the group (ec2sim.Decide).
func (ctl *Ctl) evaluate(r *state.ASG, cp *ecs.CapacityProvider, c *state.Capacity, ck string, now time.Time) {
	it, _ := ec2sim.LookupInstanceType(r.InstanceType)
	ms := cp.AutoScalingGroupProvider.ManagedScaling
	in := ec2sim.ScalingInput{Now: now, Desired: r.Desired, State: r.Scaling, Params: ec2sim.ScalingParams{
		TargetCapacity: ecs.Deref(ms.TargetCapacity), MinStep: ecs.Deref(ms.MinimumScalingStepSize),
		MaxStep: ecs.Deref(ms.MaximumScalingStepSize), Warmup: time.Duration(ecs.Deref(ms.InstanceWarmupPeriod)) * time.Second,
		MinSize: r.Min, MaxSize: r.Max, Type: it,
	}}
	ours, _ := groupInstances(r, c)
	for _, i := range ours {
		ir := c.Recs[i]
		if ir.TerminateAt != nil {
			continue
		}
		nonDaemon := 0
		for _, tr := range c.Tasks[i] {
			if !tr.Daemon {
				nonDaemon++
			}
		}
		in.Instances = append(in.Instances, ec2sim.ScalingInstance{ID: ir.Instance.ContainerInstanceArn, LaunchedAt: ir.LaunchedAt,
			Candidate: c.Cands[i], NonDaemonTasks: nonDaemon})
	}
	// Instances still booting count as launched: they are within their warm-up.
	for _, b := range r.Booting {
		in.Instances = append(in.Instances, ec2sim.ScalingInstance{ID: "booting", LaunchedAt: b.At.Add(-InstanceBoot),
			Candidate: ec2sim.NewCandidate("", "", it, map[string]string{})})
	}
	for _, tk := range ctl.WaitingTasks(ck, cp.Name) {
		if tr, ok := ctl.st.Tasks.Get(tk); ok && tr.Need != nil {
			in.Provisioning = append(in.Provisioning, *tr.Need)
		}
	}
	d := ec2sim.Decide(in)
	r.Desired, r.Scaling, r.Reservation, r.LastReason = d.Desired, d.State, d.Reservation, d.Reason
	r.NextEval = now.Add(ScalingInterval)
}

// scaleIn takes n instances out of the group: empty ones first, then (without managed
// termination protection) the busiest zone's oldest. With managed draining they drain
// before they terminate (spec §2.5); without it they terminate at once.
func (ctl *Ctl) scaleIn(tx *store.Tx, r *state.ASG, cp *ecs.CapacityProvider, c *state.Capacity, n int, now time.Time) ([]string, []*ecs.Task) {
	if n <= 0 {
		return nil, nil
	}
	protect, drain := false, true
	if cp != nil && cp.AutoScalingGroupProvider != nil {
		protect = cp.AutoScalingGroupProvider.ManagedTerminationProtection == "ENABLED"
		drain = cp.AutoScalingGroupProvider.ManagedDraining != "DISABLED"
	}
	ours, _ := groupInstances(r, c)
	busy := func(i int) int {
		k := 0
		for _, tr := range c.Tasks[i] {
			if !tr.Daemon {
				k++
			}
		}
		return k
	}
	var picks []int
	for _, i := range ours {
		if c.Recs[i].TerminateAt == nil && (!protect || busy(i) == 0) {
			picks = append(picks, i)
		}
	}
	slices.SortStableFunc(picks, func(a, b int) int {
		if d := busy(a) - busy(b); d != 0 {
			return d
		}
		return c.Recs[a].LaunchedAt.Compare(c.Recs[b].LaunchedAt)
	})
	var arns []string
	var stopped []*ecs.Task
	for _, i := range picks[:min(n, len(picks))] {
		ir := c.Recs[i]
		ik := state.InstanceKeyOf(ir.Instance.ContainerInstanceArn)
		arns = append(arns, ir.Instance.ContainerInstanceArn)
		if drain && len(c.Tasks[i]) > 0 {
			next := *ir
			ci := *ir.Instance
			ci.Status, ci.Version = ecs.InstanceDraining, ci.Version+1
			until := now.Add(ManagedDrainingLimit)
			next.Instance, next.ScaleIn, next.TerminateAt = &ci, true, &until
			ctl.st.Instances.Put(tx, ik, &next)
			continue
		}
		stopped = append(stopped, ctl.StopPlaced(tx, c.Tasks[i], ecs.StopTerminationNotice, TerminatedReason(ir))...)
		ctl.RetireInstance(tx, ik, ir, "Instance terminated")
	}
	return arns, stopped
}

// bootInstances registers the instances whose boot has finished.
func (ctl *Ctl) bootInstances(now time.Time, at func(time.Time)) {
	type launch struct {
		k   string
		r   state.ASG
		azs []string
	}
	var due []launch
	ctl.st.Store.View(func() {
		for _, k := range ctl.asgKeys() {
			r, _ := ctl.st.ASGs.Get(k)
			l := launch{k: k, r: *r}
			for _, b := range r.Booting {
				if b.At.After(now) {
					at(b.At)
				} else {
					l.azs = append(l.azs, b.AZ)
				}
			}
			if len(l.azs) > 0 {
				due = append(due, l)
			}
		}
	})
	for _, l := range due {
		region := state.LastRegion(l.k)
		ctx := ecs.WithRegion(context.Background(), region)
		provider := ""
		ctl.st.Store.View(func() {
			if cp := ctl.ProviderOfASG(region, &l.r); cp != nil {
				provider = cp.Name
			}
		})
		booted := 0
		for _, az := range l.azs {
			if err := ctl.host.LaunchInstance(ctx, Launch{Cluster: l.r.Cluster, Type: l.r.InstanceType, AZ: az,
				Spot: l.r.Spot, CapacityProvider: provider, ASG: l.r.Name}); err != nil {
				ctl.st.LogError("launch an instance of Auto Scaling group "+l.r.Name, err)
				break
			}
			booted++
		}
		err := ctl.st.Store.Update(func(tx *store.Tx) error {
			r, ok := ctl.st.ASGs.Get(l.k)
			if !ok {
				return nil
			}
			next := *r
			next.Booting = nil
			dropped := 0
			for _, b := range r.Booting {
				if !b.At.After(now) && dropped < booted {
					dropped++
					continue
				}
				next.Booting = append(next.Booting, b)
			}
			ctl.st.ASGs.Put(tx, l.k, &next)
			return nil
		})
		if err != nil {
			ctl.st.LogError("launch instances", err)
		}
	}
}

func equalASG(a, b *state.ASG) bool {
	return a.Desired == b.Desired && slices.Equal(a.Booting, b.Booting) && a.Scaling == b.Scaling &&
		a.NextEval.Equal(b.NextEval) && a.Reservation == b.Reservation && a.LastReason == b.LastReason
}
