package emulator

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/providers"
	"github.com/ecsmini/ecsmini/emulator/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

// updateCluster applies change to a copy of the ACTIVE cluster named by ref and commits it.
func (e *Emulator) updateCluster(ctx context.Context, ref string, change func(sc ecs.Scope, k string, c *ecs.Cluster) error) (*ecs.Cluster, error) {
	if ref == "" {
		return nil, ecs.InvalidParameter("Cluster can not be blank.")
	}
	var out *ecs.Cluster
	err := e.store.Update(func(tx *store.Tx) error {
		k, c, err := e.st.ActiveCluster(ctx, ref)
		if err != nil {
			return err
		}
		cp := *c
		if err := change(e.st.Scope(ctx), k, &cp); err != nil {
			return err
		}
		e.clusters.Put(tx, k, &cp)
		out = &cp
		return nil
	})
	return out, err
}

// UpdateCluster changes a cluster's settings, configuration or Service Connect defaults.
func (e *Emulator) UpdateCluster(ctx context.Context, in *ecs.UpdateClusterInput) (*ecs.ClusterOutput, error) {
	if err := validateClusterSettings(in.Settings); err != nil {
		return nil, err
	}
	c, err := e.updateCluster(ctx, in.Cluster, func(_ ecs.Scope, _ string, c *ecs.Cluster) error {
		if in.Settings != nil {
			c.Settings = mergeSettings(c.Settings, in.Settings)
		}
		if in.Configuration != nil {
			c.Configuration = in.Configuration
		}
		if in.ServiceConnectDefaults != nil {
			c.ServiceConnectDefaults = in.ServiceConnectDefaults
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.ClusterOutput{Cluster: e.present(c, []string{"SETTINGS", "CONFIGURATIONS"})}, nil
}

// UpdateClusterSettings changes a cluster's settings.
func (e *Emulator) UpdateClusterSettings(ctx context.Context, in *ecs.UpdateClusterSettingsInput) (*ecs.ClusterOutput, error) {
	if len(in.Settings) == 0 {
		return nil, ecs.InvalidParameter("Settings can not be empty.")
	}
	if err := validateClusterSettings(in.Settings); err != nil {
		return nil, err
	}
	c, err := e.updateCluster(ctx, in.Cluster, func(_ ecs.Scope, _ string, c *ecs.Cluster) error {
		c.Settings = mergeSettings(c.Settings, in.Settings)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.ClusterOutput{Cluster: e.present(c, []string{"SETTINGS"})}, nil
}

func mergeSettings(old, given []ecs.ClusterSetting) []ecs.ClusterSetting {
	out := slices.Clone(old)
	for _, g := range given {
		i := slices.IndexFunc(out, func(s ecs.ClusterSetting) bool { return s.Name == g.Name })
		if i < 0 {
			out = append(out, g)
		} else {
			out[i] = g
		}
	}
	return out
}

// PutClusterCapacityProviders replaces the cluster's capacity providers and default
// strategy as a whole.
func (e *Emulator) PutClusterCapacityProviders(ctx context.Context, in *ecs.PutClusterCapacityProvidersInput) (*ecs.ClusterOutput, error) {
	if in.CapacityProviders == nil || in.DefaultCapacityProviderStrategy == nil {
		return nil, ecs.InvalidParameter("capacityProviders and defaultCapacityProviderStrategy are required; pass empty lists to clear them.")
	}
	c, err := e.updateCluster(ctx, in.Cluster, func(sc ecs.Scope, k string, c *ecs.Cluster) error {
		providers, strategy, err := providers.CheckClusterCapacity(e.st, sc, k, in.CapacityProviders, in.DefaultCapacityProviderStrategy)
		if err != nil {
			return err
		}
		for _, old := range c.CapacityProviders {
			if !slices.Contains(providers, old) && e.providerInUse(k, old) {
				return ecs.Errorf(ecs.CodeResourceInUse, "The specified capacity provider is in use and cannot be removed.")
			}
		}
		c.CapacityProviders, c.DefaultCapacityProviderStrategy = providers, strategy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.ClusterOutput{Cluster: e.present(c, []string{"SETTINGS"})}, nil
}

// providerInUse reports whether an ACTIVE service of the cluster has the provider in
// its capacity provider strategy.
func (e *Emulator) providerInUse(clusterKey, provider string) bool {
	prefix, used := clusterKey+"\x00", false
	e.services.Ascend(prefix, func(k string, r *serviceRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		for _, d := range r.Deployments {
			for _, it := range d.CapacityProviderStrategy {
				used = used || (it.CapacityProvider == provider && r.Service.Status != ecs.ServiceInactive)
			}
		}
		return !used
	})
	return used
}

// DeleteCluster marks a cluster INACTIVE. ECS refuses while services, tasks or container
// instances remain; deleting an INACTIVE cluster returns it again. An INACTIVE cluster
// stays listed and describable for ClusterTTL of emulator time (reapClusters), as ECS
// keeps deleted clusters discoverable for a while.
func (e *Emulator) DeleteCluster(ctx context.Context, in *ecs.ClusterRef) (*ecs.ClusterOutput, error) {
	if in.Cluster == "" {
		return nil, ecs.InvalidParameter("Cluster can not be blank.")
	}
	var out *ecs.Cluster
	err := e.store.Update(func(tx *store.Tx) error {
		k, _, err := e.st.ClusterKey(ctx, in.Cluster)
		if err != nil {
			return err
		}
		c, ok := e.clusters.Get(k)
		if !ok {
			return ecs.ClusterNotFound()
		}
		if c.Status == ecs.ClusterInactive {
			out = c
			return nil
		}
		if err := e.clusterDeletable(k); err != nil {
			return err
		}
		cp := *c
		cp.Status = ecs.ClusterInactive
		e.clusters.Put(tx, k, &cp)
		e.st.ClusterGone.Put(tx, k, ecs.Ptr(e.cfg.Clock.Now()))
		out = &cp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.ClusterOutput{Cluster: e.present(out, []string{"SETTINGS"})}, nil
}

// clusterDeletable checks what ECS checks before deleting a cluster. Services, tasks and
// container instances arrive with later issues, which add their checks here.
func (e *Emulator) clusterDeletable(clusterKey string) error {
	counts := e.clusterCounts(clusterKey)
	switch {
	case counts.services > 0:
		return ecs.Errorf(ecs.CodeClusterContainsServices, "The Cluster cannot be deleted while Services are active.")
	case counts.tasks > 0:
		return ecs.Errorf(ecs.CodeClusterContainsTasks, "The Cluster cannot be deleted while Tasks are active.")
	case counts.instances > 0:
		return ecs.Errorf(ecs.CodeClusterContainsContainerInstances, "The Cluster cannot be deleted while Container Instances are active or draining.")
	}
	return nil
}

type clusterCounts struct{ services, activeServices, tasks, running, pending, instances int }

// clusterCounts counts what lives in a cluster (its store key): services, tasks and
// registered container instances.
func (e *Emulator) clusterCounts(clusterKey string) clusterCounts {
	var n clusterCounts
	prefix := clusterKey + "\x00"
	e.services.Ascend(prefix, func(k string, r *serviceRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if r.Service.Status == ecs.ServiceActive || r.Service.Status == ecs.ServiceDraining {
			n.services++ // a DRAINING service still holds the cluster
		}
		if r.Service.Status == ecs.ServiceActive {
			n.activeServices++
		}
		return true
	})
	e.tasks.Ascend(prefix, func(k string, r *taskRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		switch s := r.Task.LastStatus; {
		case s == ecs.StatusStopped:
			return true
		case s == ecs.StatusRunning:
			n.running++
		case s < ecs.StatusRunning:
			n.pending++
		}
		n.tasks++
		return true
	})
	e.instances.Ascend(prefix, func(k string, r *instanceRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if r.Instance.Status != ecs.InstanceInactive {
			n.instances++
		}
		return true
	})
	return n
}
