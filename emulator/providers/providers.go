// Package providers is capacity providers: the built-in FARGATE and FARGATE_SPOT ones,
// the Auto Scaling group ones a caller creates, their operations over the state, and
// the checks of the capacity provider strategies clusters and RunTask name.
package providers

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

var providerNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,255}$`)

// fargateProvider is the built-in FARGATE or FARGATE_SPOT provider of a region. They
// exist in every account and are not stored.
func fargateProvider(sc ecs.Scope, name string) *ecs.CapacityProvider {
	return &ecs.CapacityProvider{
		CapacityProviderArn: sc.CapacityProviderARN(name),
		Name:                name,
		Status:              ecs.CapacityProviderActive,
		Tags:                []ecs.Tag{},
		Type:                name,
	}
}

// Name reduces a capacity provider name or ARN to its name. An ARN of another
// account is kept whole: no provider has such a name, so it resolves to nothing.
func Name(sc ecs.Scope, ref string) string {
	if a, ok := ecs.ParseARN(ref); ok && a.Kind() == "capacity-provider" && a.InAccount(sc.Account) {
		return a.Path()
	}
	return ref
}

// capacityProvider resolves an ACTIVE capacity provider by name or ARN.
func CapacityProvider(st *state.State, sc ecs.Scope, ref string) (*ecs.CapacityProvider, error) {
	name := Name(sc, ref)
	if name == ecs.Fargate || name == ecs.FargateSpot {
		return fargateProvider(sc, name), nil
	}
	cp, ok := st.Providers.Get(state.Key(sc.Region, name))
	if !ok || cp.Status != ecs.CapacityProviderActive {
		return nil, ecs.InvalidParameter("The specified capacity provider was not found. Specify a valid capacity provider and try again.")
	}
	return cp, nil
}

// CreateCapacityProvider creates an Auto Scaling group capacity provider. The group's
// behaviour (scaling, draining) belongs to ec2sim; here it is stored with ECS's defaults.
func CreateCapacityProvider(ctx context.Context, st *state.State, in *ecs.CreateCapacityProviderInput) (*ecs.CapacityProviderOutput, error) {
	sc := st.Scope(ctx)
	lower := strings.ToLower(in.Name)
	if !providerNameRE.MatchString(in.Name) || strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ecs") || strings.HasPrefix(lower, "fargate") {
		return nil, ecs.ClientError(`The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.`)
	}
	asg := in.AutoScalingGroupProvider
	if asg == nil || asg.AutoScalingGroupArn == "" {
		return nil, ecs.InvalidParameter("autoScalingGroupProvider.autoScalingGroupArn is required.")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	p := *asg
	ms, err := managedScalingWithDefaults(nil, asg.ManagedScaling)
	if err != nil {
		return nil, err
	}
	p.ManagedScaling = ms
	if p.ManagedTerminationProtection, err = enabledDisabled("managedTerminationProtection", p.ManagedTerminationProtection, "DISABLED", ecs.EnumManagedTermination); err != nil {
		return nil, err
	}
	if p.ManagedDraining, err = enabledDisabled("managedDraining", p.ManagedDraining, "ENABLED", ecs.EnumManagedDraining); err != nil {
		return nil, err
	}
	if p.ManagedTerminationProtection == "ENABLED" && ms.Status != "ENABLED" {
		return nil, ecs.ClientError("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.")
	}
	var out *ecs.CapacityProvider
	err = st.Store.Update(func(tx *store.Tx) error {
		k := state.Key(sc.Region, in.Name)
		if old, ok := st.Providers.Get(k); ok && old.Status == ecs.CapacityProviderActive {
			return ecs.ClientError("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.")
		}
		if asgInUse(st, sc, p.AutoScalingGroupArn) {
			return ecs.ClientError("The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.")
		}
		out = &ecs.CapacityProvider{
			CapacityProviderArn:      sc.CapacityProviderARN(in.Name),
			Name:                     in.Name,
			Status:                   ecs.CapacityProviderActive,
			AutoScalingGroupProvider: &p,
			Tags:                     state.MergeTags(nil, in.Tags),
			Type:                     ecs.ProviderTypeASG,
		}
		st.Providers.Put(tx, k, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.CapacityProviderOutput{CapacityProvider: out}, nil
}

// asgInUse reports whether an ACTIVE provider already names the group asgArn names
// (by any of its ARNs or its name).
func asgInUse(st *state.State, sc ecs.Scope, asgArn string) bool {
	same := func(ref string) bool {
		want := state.ASGNameOf(sc.Account, asgArn)
		return ref == asgArn || want != "" && state.ASGNameOf(sc.Account, ref) == want
	}
	used := false
	prefix := state.Key(sc.Region, "")
	st.Providers.Ascend(prefix, func(k string, cp *ecs.CapacityProvider) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		used = cp.Status == ecs.CapacityProviderActive && cp.AutoScalingGroupProvider != nil &&
			same(cp.AutoScalingGroupProvider.AutoScalingGroupArn)
		return !used
	})
	return used
}

// managedScalingWithDefaults overlays given on old (or on ECS's defaults) and validates
// the ranges of the API model.
func managedScalingWithDefaults(old, given *ecs.ManagedScaling) (*ecs.ManagedScaling, error) {
	ms := ecs.ManagedScaling{Status: "DISABLED", TargetCapacity: ecs.Ptr(100), MinimumScalingStepSize: ecs.Ptr(1), MaximumScalingStepSize: ecs.Ptr(10000), InstanceWarmupPeriod: ecs.Ptr(300)}
	if old != nil {
		ms = *old
	}
	if given != nil {
		if given.Status != "" {
			ms.Status = given.Status
		}
		for _, f := range []struct {
			dst **int
			src *int
		}{
			{&ms.TargetCapacity, given.TargetCapacity}, {&ms.MinimumScalingStepSize, given.MinimumScalingStepSize},
			{&ms.MaximumScalingStepSize, given.MaximumScalingStepSize}, {&ms.InstanceWarmupPeriod, given.InstanceWarmupPeriod},
		} {
			if f.src != nil {
				*f.dst = f.src
			}
		}
	}
	switch {
	case !ecs.EnumManagedScalingStatus.Has(ms.Status):
		return nil, ecs.InvalidParameter("managedScaling.status must be ENABLED or DISABLED.")
	case *ms.TargetCapacity < 1 || *ms.TargetCapacity > 100:
		return nil, ecs.InvalidParameter("The managed scaling target capacity is invalid. Specify a value between 1 and 100 and try again.")
	case *ms.MinimumScalingStepSize < 1 || *ms.MinimumScalingStepSize > 10000 || *ms.MaximumScalingStepSize < 1 || *ms.MaximumScalingStepSize > 10000:
		return nil, ecs.InvalidParameter("The managed scaling step size is invalid. Specify a value between 1 and 10000 and try again.")
	case *ms.MinimumScalingStepSize > *ms.MaximumScalingStepSize:
		return nil, ecs.InvalidParameter("The managed scaling minimum step size cannot be greater than the maximum step size.")
	case *ms.InstanceWarmupPeriod < 0 || *ms.InstanceWarmupPeriod > 10000:
		return nil, ecs.InvalidParameter("The managed scaling instance warmup period is invalid. Specify a value between 0 and 10000 and try again.")
	}
	return &ms, nil
}

// enabledDisabled defaults an unset ENABLED/DISABLED switch and checks a set one.
func enabledDisabled(field, v, def string, values ecs.Enum) (string, error) {
	switch {
	case v == "":
		return def, nil
	case values.Has(v):
		return v, nil
	}
	return "", ecs.InvalidParameter("%s must be ENABLED or DISABLED.", field)
}

// capacityProvidersIn lists the caller region's providers: FARGATE, FARGATE_SPOT, then
// the stored ones in name order.
func capacityProvidersIn(st *state.State, sc ecs.Scope) []*ecs.CapacityProvider {
	out := []*ecs.CapacityProvider{fargateProvider(sc, ecs.Fargate), fargateProvider(sc, ecs.FargateSpot)}
	prefix := state.Key(sc.Region, "")
	st.Providers.Ascend(prefix, func(k string, cp *ecs.CapacityProvider) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		out = append(out, cp)
		return true
	})
	return out
}

func withoutTags(cp *ecs.CapacityProvider, include []string) *ecs.CapacityProvider {
	if slices.Contains(include, "TAGS") {
		return cp
	}
	c := *cp
	c.Tags = nil
	return &c
}
