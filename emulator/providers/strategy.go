package providers

import (
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

const maxProvidersPerCluster = 20

// CheckClusterCapacity validates a cluster's capacity providers and default strategy
// (spec: ecs-control-plane §1.5, §2.3) and returns them with provider ARNs reduced to
// names, as ECS shows them.
func CheckClusterCapacity(st *state.State, sc ecs.Scope, clusterKey string, providers []string, strategy []ecs.CapacityProviderStrategyItem) ([]string, []ecs.CapacityProviderStrategyItem, error) {
	if len(providers) > maxProvidersPerCluster {
		return nil, nil, ecs.InvalidParameter("The maximum number of capacity providers per cluster has been exceeded.")
	}
	names := make([]string, 0, len(providers))
	for _, ref := range providers {
		cp, err := CapacityProvider(st, sc, ref)
		if err != nil {
			return nil, nil, err
		}
		if slices.Contains(names, cp.Name) {
			return nil, nil, ecs.InvalidParameter("The capacity provider %s is specified more than once. Specify each capacity provider once.", cp.Name)
		}
		if cp.Type == ecs.ProviderTypeASG && managedScalingEnabled(cp) {
			if other := clusterUsingProvider(st, sc, cp.Name, clusterKey); other != "" {
				return nil, nil, ecs.InvalidParameter("The specified capacity provider %s is already associated with cluster %s. A capacity provider with managed scaling enabled can be associated with only one cluster.", cp.Name, other)
			}
		}
		names = append(names, cp.Name)
	}
	out, err := CheckStrategy(st, sc, strategy, names)
	if err != nil {
		return nil, nil, err
	}
	return names, out, nil
}

// CheckStrategy validates a capacity provider strategy against the providers associated
// with the cluster and returns it with provider names normalised.
func CheckStrategy(st *state.State, sc ecs.Scope, strategy []ecs.CapacityProviderStrategyItem, associated []string) ([]ecs.CapacityProviderStrategyItem, error) {
	if len(strategy) > maxProvidersPerCluster {
		return nil, ecs.InvalidParameter("The capacity provider strategy cannot contain more than %d capacity providers.", maxProvidersPerCluster)
	}
	out := make([]ecs.CapacityProviderStrategyItem, 0, len(strategy))
	withBase, weighted := 0, 0
	var kinds []string
	for _, it := range strategy {
		cp, err := CapacityProvider(st, sc, it.CapacityProvider)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(associated, cp.Name) {
			return nil, ecs.InvalidParameter("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if slices.ContainsFunc(out, func(o ecs.CapacityProviderStrategyItem) bool { return o.CapacityProvider == cp.Name }) {
			return nil, ecs.InvalidParameter("The capacity provider %s is specified more than once in the capacity provider strategy.", cp.Name)
		}
		if it.Weight < 0 || it.Weight > 1000 {
			return nil, ecs.InvalidParameter("The specified capacity provider strategy weight is invalid. Specify a weight between 0 and 1000 and try again.")
		}
		if it.Base < 0 || it.Base > 100000 {
			return nil, ecs.InvalidParameter("The specified capacity provider strategy base is invalid. Specify a base between 0 and 100000 and try again.")
		}
		if it.Base > 0 {
			withBase++
		}
		if it.Weight > 0 {
			weighted++
		}
		kind := "ASG"
		if cp.Type == ecs.Fargate || cp.Type == ecs.FargateSpot {
			kind = "FARGATE"
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
		out = append(out, ecs.CapacityProviderStrategyItem{CapacityProvider: cp.Name, Weight: it.Weight, Base: it.Base})
	}
	switch {
	case withBase > 1:
		return nil, ecs.InvalidParameter("The specified capacity provider strategy is invalid. Only one capacity provider in a strategy can have a base defined.")
	case len(kinds) > 1:
		return nil, ecs.InvalidParameter("The specified capacity provider strategy is invalid. A strategy cannot contain both Fargate capacity providers and Auto Scaling group capacity providers.")
	case len(out) > 1 && weighted == 0:
		return nil, ecs.InvalidParameter("The specified capacity provider strategy is invalid. At least one capacity provider must have a weight value greater than zero.")
	}
	return out, nil
}

func managedScalingEnabled(cp *ecs.CapacityProvider) bool {
	asg := cp.AutoScalingGroupProvider
	return asg != nil && asg.ManagedScaling != nil && asg.ManagedScaling.Status == "ENABLED"
}

// clusterUsingProvider returns the name of an ACTIVE cluster other than exceptKey (in
// the scope's region) that has the provider associated, or "".
func clusterUsingProvider(st *state.State, sc ecs.Scope, provider, exceptKey string) string {
	prefix := state.Key(sc.Region, "")
	found := ""
	st.Clusters.Ascend(prefix, func(k string, c *ecs.Cluster) bool {
		if len(k) < len(prefix) || k[:len(prefix)] != prefix {
			return false
		}
		if k != exceptKey && c.Status == ecs.ClusterActive && slices.Contains(c.CapacityProviders, provider) {
			found = c.ClusterName
			return false
		}
		return true
	})
	return found
}
