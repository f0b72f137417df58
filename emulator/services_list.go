package emulator

import (
	"context"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// DescribeServices describes up to 10 services of a cluster; names it does not know
// come back as failures with reason MISSING, as ECS reports them.
func (e *Emulator) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput) (*ecs.DescribeServicesOutput, error) {
	switch {
	case len(in.Services) == 0:
		return nil, ecs.InvalidParameter("Services cannot be empty.")
	case len(in.Services) > 10:
		return nil, ecs.InvalidParameter("services can have at most 10 items.")
	}
	for _, inc := range in.Include {
		if !ecs.EnumServiceField.Has(inc) {
			return nil, ecs.InvalidParameter("Invalid include '%s'. Valid values: %s.", inc, ecs.EnumServiceField.List())
		}
	}
	withTags := slices.Contains(in.Include, "TAGS")
	out := &ecs.DescribeServicesOutput{Services: []*ecs.Service{}, Failures: []ecs.Failure{}}
	var err error
	e.store.View(func() {
		var ck string
		var c *ecs.Cluster
		if ck, c, err = e.st.ActiveCluster(ctx, in.Cluster); err != nil {
			return
		}
		sc := ecs.Scope{Region: state.LastRegion(ck), Account: e.cfg.AccountID}
		for _, ref := range in.Services {
			cl, name, rerr := state.ServiceRef(ref)
			arn := ref
			if _, isARN := ecs.ParseARN(ref); !isARN {
				// ECS names a missing service by its short-format ARN.
				arn = "arn:aws:ecs:" + sc.Region + ":" + sc.Account + ":service/" + ref
			}
			if rerr != nil || (cl != "" && cl != c.ClusterName) {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			r, ok := e.services.Get(state.ServiceKey(sc.Region, c.ClusterName, name))
			if !ok {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			out.Services = append(out.Services, r.Present(withTags))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListServices lists the ARNs of a cluster's ACTIVE services (DRAINING and INACTIVE ones
// are no longer listed, spec §5.14), in name order.
func (e *Emulator) ListServices(ctx context.Context, in *ecs.ListServicesInput) (*ecs.ListServicesOutput, error) {
	if err := check.LaunchType(in.LaunchType); err != nil {
		return nil, err
	}
	if in.SchedulingStrategy != "" && !ecs.EnumSchedulingStrategy.Has(in.SchedulingStrategy) {
		return nil, ecs.InvalidParameter("Invalid schedulingStrategy '%s'. Valid values: %s.", in.SchedulingStrategy, ecs.EnumSchedulingStrategy.List())
	}
	var out *ecs.ListServicesOutput
	var err error
	e.store.View(func() {
		var ck string
		var c *ecs.Cluster
		if ck, c, err = e.st.ActiveCluster(ctx, in.Cluster); err != nil {
			return
		}
		out, err = e.listServiceARNs(in.ListInput, state.ServiceKey(state.LastRegion(ck), c.ClusterName, ""), func(r *serviceRecord) bool {
			s := r.Service
			return (in.LaunchType == "" || s.LaunchType == in.LaunchType || (s.LaunchType == "" && state.LaunchOfStrategy(s.CapacityProviderStrategy) == in.LaunchType)) &&
				(in.SchedulingStrategy == "" || s.SchedulingStrategy == in.SchedulingStrategy)
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listServiceARNs pages through the ACTIVE services under prefix that keep accepts. It
// must run inside a store View.
func (e *Emulator) listServiceARNs(in ecs.ListInput, prefix string, keep func(*serviceRecord) bool) (*ecs.ListServicesOutput, error) {
	p, err := paging.New(in, prefix, 10, 100)
	if err != nil {
		return nil, err
	}
	vals, next := paging.List(e.services, p, prefix, false, func(_ string, r *serviceRecord) bool {
		return r.Service.Status == ecs.ServiceActive && keep(r)
	})
	out := &ecs.ListServicesOutput{ServiceArns: []string{}, NextToken: next}
	for _, r := range vals {
		out.ServiceArns = append(out.ServiceArns, r.Service.ServiceArn)
	}
	return out, nil
}

// ListServicesByNamespace lists the ACTIVE services of the region that use a Service
// Connect namespace, given by name or ARN.
func (e *Emulator) ListServicesByNamespace(ctx context.Context, in *ecs.ListServicesByNamespaceInput) (*ecs.ListServicesOutput, error) {
	if in.Namespace == "" {
		return nil, ecs.InvalidParameter("Namespace can not be blank.")
	}
	want := state.NamespaceName(in.Namespace)
	region := e.st.Scope(ctx).Region
	prefix := state.Key(region, "")
	var out *ecs.ListServicesOutput
	var err error
	e.store.View(func() {
		out, err = e.listServiceARNs(in.ListInput, prefix, func(r *serviceRecord) bool {
			ns := serviceNamespace(r)
			if ns == "" {
				if c, ok := e.clusters.Get(state.Key(region, r.ClusterName)); ok && c.ServiceConnectDefaults != nil && serviceConnectEnabled(r) {
					ns = ecs.Deref(c.ServiceConnectDefaults.Namespace)
				}
			}
			return ns != "" && state.NamespaceName(ns) == want
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func serviceConnectEnabled(r *serviceRecord) bool { return r.ServiceConnect().Enabled }

func serviceNamespace(r *serviceRecord) string {
	if sc := r.ServiceConnect(); sc.Enabled {
		return sc.Namespace
	}
	return ""
}
