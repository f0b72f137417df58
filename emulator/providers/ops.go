package providers

import (
	"context"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// DescribeCapacityProviders describes the named providers (unknown ones in failures), or
// pages through all of the region's providers, built-in ones first.
func DescribeCapacityProviders(ctx context.Context, st *state.State, in *ecs.DescribeCapacityProvidersInput) (*ecs.DescribeCapacityProvidersOutput, error) {
	sc := st.Scope(ctx)
	if err := check.Include(in.Include, ecs.EnumCapacityProviderField); err != nil {
		return nil, err
	}
	out := &ecs.DescribeCapacityProvidersOutput{CapacityProviders: []*ecs.CapacityProvider{}, Failures: []ecs.Failure{}}
	if len(in.CapacityProviders) > 0 {
		st.Store.View(func() {
			for _, ref := range in.CapacityProviders {
				name := Name(sc, ref)
				cp, ok := st.Providers.Get(state.Key(sc.Region, name))
				if name == ecs.Fargate || name == ecs.FargateSpot {
					cp, ok = fargateProvider(sc, name), true
				}
				if !ok {
					arn := sc.CapacityProviderARN(name)
					if _, isARN := ecs.ParseARN(ref); isARN {
						arn = ref
					}
					out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
					continue
				}
				out.CapacityProviders = append(out.CapacityProviders, withoutTags(cp, in.Include))
			}
		})
		return out, nil
	}
	prefix := state.Key(sc.Region, "")
	p, err := paging.New(in.ListInput, prefix, 10, 10)
	if err != nil {
		return nil, err
	}
	st.Store.View(func() {
		all := capacityProvidersIn(st, sc)
		start := 0
		if p.After != "" {
			start = slices.IndexFunc(all, func(cp *ecs.CapacityProvider) bool { return state.Key(sc.Region, cp.Name) == p.After }) + 1
			if start == 0 { // not a token of this listing
				err = ecs.InvalidParameter("Invalid nextToken.")
				return
			}
		}
		for i := start; i < len(all); i++ {
			if len(out.CapacityProviders) == p.Limit {
				out.NextToken = paging.Token(state.Key(sc.Region, all[i-1].Name))
				break
			}
			out.CapacityProviders = append(out.CapacityProviders, withoutTags(all[i], in.Include))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// storedProvider resolves a provider the caller may change: not a built-in one.
func storedProvider(st *state.State, sc ecs.Scope, ref string) (string, *ecs.CapacityProvider, error) {
	name := Name(sc, ref)
	if name == "" {
		return "", nil, ecs.InvalidParameter("Capacity provider can not be blank.")
	}
	if name == ecs.Fargate || name == ecs.FargateSpot {
		return "", nil, ecs.ClientError("The specified capacity provider is reserved and cannot be modified or deleted.")
	}
	k := state.Key(sc.Region, name)
	cp, ok := st.Providers.Get(k)
	if !ok || cp.Status != ecs.CapacityProviderActive {
		return "", nil, ecs.ClientError("The specified capacity provider does not exist. Specify a valid name or ARN and try again.")
	}
	return k, cp, nil
}

// UpdateCapacityProvider changes managed scaling, termination protection or draining.
// ECS applies updates asynchronously: the response shows the provider as it was, with
// updateStatus UPDATE_IN_PROGRESS; a later describe shows the new values and
// UPDATE_COMPLETE. ecsmini commits at once and answers the same way.
func UpdateCapacityProvider(ctx context.Context, st *state.State, in *ecs.UpdateCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	sc := st.Scope(ctx)
	if in.AutoScalingGroupProvider == nil {
		return nil, ecs.InvalidParameter("autoScalingGroupProvider is required.")
	}
	var before *ecs.CapacityProvider
	err := st.Store.Update(func(tx *store.Tx) error {
		k, cp, err := storedProvider(st, sc, in.Name)
		if err != nil {
			return err
		}
		upd := in.AutoScalingGroupProvider
		asg := *cp.AutoScalingGroupProvider
		if asg.ManagedScaling, err = managedScalingWithDefaults(asg.ManagedScaling, upd.ManagedScaling); err != nil {
			return err
		}
		if asg.ManagedTerminationProtection, err = enabledDisabled("managedTerminationProtection", upd.ManagedTerminationProtection, asg.ManagedTerminationProtection, ecs.EnumManagedTermination); err != nil {
			return err
		}
		if asg.ManagedDraining, err = enabledDisabled("managedDraining", upd.ManagedDraining, asg.ManagedDraining, ecs.EnumManagedDraining); err != nil {
			return err
		}
		if asg.ManagedTerminationProtection == "ENABLED" && asg.ManagedScaling.Status != "ENABLED" {
			return ecs.ClientError("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.")
		}
		next := *cp
		next.AutoScalingGroupProvider = &asg
		next.UpdateStatus = ecs.UpdateComplete
		st.Providers.Put(tx, k, &next)
		b := *cp
		b.UpdateStatus = ecs.UpdateInProgress
		before = &b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.CapacityProviderOutput{CapacityProvider: before}, nil
}

// DeleteCapacityProvider deletes an Auto Scaling group provider. While a cluster still
// has it associated, ECS answers with the provider and updateStatus DELETE_FAILED rather
// than an error; otherwise the provider becomes INACTIVE (the response shows the delete
// in progress, as ECS's asynchronous delete does).
func DeleteCapacityProvider(ctx context.Context, st *state.State, in *ecs.DeleteCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	sc := st.Scope(ctx)
	var out *ecs.CapacityProvider
	err := st.Store.Update(func(tx *store.Tx) error {
		k, cp, err := storedProvider(st, sc, in.CapacityProvider)
		if err != nil {
			return err
		}
		if cluster := clusterUsingProvider(st, sc, cp.Name, ""); cluster != "" {
			failed := *cp
			failed.UpdateStatus = "DELETE_FAILED"
			failed.UpdateStatusReason = "The capacity provider cannot be deleted because it is associated with cluster: " + cluster + ". Remove the capacity provider from the cluster and try again."
			st.Providers.Put(tx, k, &failed)
			out = &failed
			return nil
		}
		gone := *cp
		gone.Status, gone.UpdateStatus, gone.UpdateStatusReason = ecs.CapacityProviderInactive, ecs.DeleteComplete, ""
		st.Providers.Put(tx, k, &gone)
		resp := *cp
		resp.UpdateStatus, resp.UpdateStatusReason = "DELETE_IN_PROGRESS", ""
		out = &resp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.CapacityProviderOutput{CapacityProvider: out}, nil
}
