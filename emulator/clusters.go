package emulator

import (
	"context"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/providers"
	"github.com/ecsmini/ecsmini/emulator/settings"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// CreateCluster creates a cluster, or returns the existing ACTIVE one of that name
// (CreateCluster is idempotent in ECS) when the request does not contradict it.
func (e *Emulator) CreateCluster(ctx context.Context, in *ecs.CreateClusterInput) (*ecs.ClusterOutput, error) {
	sc := e.st.Scope(ctx)
	name := ecs.Deref(in.ClusterName)
	if name == "" {
		name = defaultCluster
	}
	if !state.ClusterNameRE.MatchString(name) {
		return nil, ecs.InvalidParameter("Cluster name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was %s", name)
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	if err := validateClusterSettings(in.Settings); err != nil {
		return nil, err
	}
	var out *ecs.Cluster
	err := e.store.Update(func(tx *store.Tx) error {
		k := state.Key(sc.Region, name)
		if old, ok := e.clusters.Get(k); ok && old.Status == ecs.ClusterActive {
			if !sameCapacity(sc, old, in) {
				return ecs.InvalidParameter("Arguments on this idempotent request are inconsistent with arguments used in previous request(s).")
			}
			out = old
			return nil
		}
		providers, strategy, err := providers.CheckClusterCapacity(e.st, sc, k, in.CapacityProviders, in.DefaultCapacityProviderStrategy)
		if err != nil {
			return err
		}
		c := &ecs.Cluster{
			ClusterArn:                      sc.ClusterARN(name),
			ClusterName:                     name,
			Status:                          ecs.ClusterActive,
			Configuration:                   in.Configuration,
			Settings:                        e.clusterSettings(sc, in.Settings),
			Tags:                            state.MergeTags(nil, in.Tags),
			CapacityProviders:               providers,
			DefaultCapacityProviderStrategy: strategy,
			ServiceConnectDefaults:          in.ServiceConnectDefaults,
		}
		e.clusters.Put(tx, k, c)
		// Creating a cluster under the name of a deleted one makes it ACTIVE again
		// (same ARN), with only what this request gives it.
		e.st.ClusterGone.Delete(tx, k)
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	// CreateCluster shows settings and tags; Describe shows them only when asked.
	return &ecs.ClusterOutput{Cluster: e.present(out, []string{"SETTINGS", "TAGS", "CONFIGURATIONS", "ATTACHMENTS"})}, nil
}

// sameCapacity reports whether a repeated CreateCluster asks for the providers and
// strategy the cluster has; providers may be named by name or ARN either time.
func sameCapacity(sc ecs.Scope, old *ecs.Cluster, in *ecs.CreateClusterInput) bool {
	if in.CapacityProviders != nil {
		names := make([]string, len(in.CapacityProviders))
		for i, ref := range in.CapacityProviders {
			names[i] = providers.Name(sc, ref)
		}
		if !slices.Equal(old.CapacityProviders, names) {
			return false
		}
	}
	if in.DefaultCapacityProviderStrategy != nil {
		strategy := slices.Clone(in.DefaultCapacityProviderStrategy)
		for i := range strategy {
			strategy[i].CapacityProvider = providers.Name(sc, strategy[i].CapacityProvider)
		}
		if !slices.Equal(old.DefaultCapacityProviderStrategy, strategy) {
			return false
		}
	}
	return true
}

// clusterSettings applies the account's containerInsights default to settings the
// request leaves out.
func (e *Emulator) clusterSettings(sc ecs.Scope, given []ecs.ClusterSetting) []ecs.ClusterSetting {
	if len(given) > 0 {
		return slices.Clone(given)
	}
	v := settings.Effective(e.st, sc, sc.RootPrincipal(), "containerInsights").Value
	return []ecs.ClusterSetting{{Name: "containerInsights", Value: v}}
}

func validateClusterSettings(settings []ecs.ClusterSetting) error {
	for _, s := range settings {
		if !ecs.EnumClusterSettingName.Has(s.Name) {
			return ecs.InvalidParameter("Invalid setting name '%s'. Valid names: %s.", s.Name, ecs.EnumClusterSettingName.List())
		}
		switch s.Value {
		case "enabled", "disabled", "enhanced":
		default:
			return ecs.InvalidParameter("Invalid setting 'value'")
		}
	}
	return nil
}

// DescribeClusters describes clusters by name or ARN (default: the default cluster);
// unknown ones are reported in failures with reason MISSING, as ECS does.
func (e *Emulator) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput) (*ecs.DescribeClustersOutput, error) {
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{defaultCluster}
	}
	if len(refs) > 100 {
		return nil, ecs.InvalidParameter("clusters can have at most 100 items.")
	}
	if err := check.Include(in.Include, ecs.EnumClusterField); err != nil {
		return nil, err
	}
	out := &ecs.DescribeClustersOutput{Clusters: []*ecs.Cluster{}, Failures: []ecs.Failure{}}
	sc := e.st.Scope(ctx)
	var err error
	e.store.View(func() {
		for _, ref := range refs {
			k, name, kerr := e.st.ClusterKey(ctx, ref)
			if kerr != nil {
				err = kerr
				return
			}
			c, ok := e.clusters.Get(k)
			if !ok {
				arn := sc.ClusterARN(name)
				if _, isARN := ecs.ParseARN(ref); isARN {
					arn = ref // its region may not be the caller's
				}
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
				continue
			}
			shown := e.present(c, in.Include)
			n := e.clusterCounts(k)
			shown.RunningTasksCount, shown.PendingTasksCount = n.running, n.pending
			shown.ActiveServicesCount = n.activeServices
			shown.RegisteredContainerInstancesCount = n.instances
			if slices.Contains(in.Include, "STATISTICS") {
				shown.Statistics = clusterStatistics(n, e.launchCounts(k))
			}
			out.Clusters = append(out.Clusters, shown)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// present copies a stored cluster for the wire with the optional parts include asks for
// and the counts as of now.
func (e *Emulator) present(c *ecs.Cluster, include []string) *ecs.Cluster {
	cp := *c
	// tags appear only when asked for (include TAGS), as [] when there are none.
	cp.Statistics, cp.Settings, cp.Tags = []ecs.KeyValuePair{}, []ecs.ClusterSetting{}, nil
	cp.Configuration, cp.Attachments, cp.AttachmentsStatus = nil, nil, ""
	if cp.CapacityProviders == nil {
		cp.CapacityProviders = []string{}
	}
	if cp.DefaultCapacityProviderStrategy == nil {
		cp.DefaultCapacityProviderStrategy = []ecs.CapacityProviderStrategyItem{}
	}
	for _, inc := range include {
		switch inc {
		case "SETTINGS":
			cp.Settings = slices.Clone(c.Settings)
		case "TAGS":
			cp.Tags = append([]ecs.Tag{}, c.Tags...)
		case "CONFIGURATIONS":
			cp.Configuration = c.Configuration
		case "ATTACHMENTS":
			cp.Attachments, cp.AttachmentsStatus = c.Attachments, c.AttachmentsStatus
		}
	}
	return &cp
}

// clusterStatistics lists the per-launch-type counts DescribeClusters reports with
// include=STATISTICS.
func clusterStatistics(n clusterCounts, byLaunch map[string][2]int) []ecs.KeyValuePair {
	kv := func(name string, v int) ecs.KeyValuePair {
		return ecs.KeyValuePair{Name: ecs.Ptr(name), Value: ecs.Ptr(itoa(v))}
	}
	out := []ecs.KeyValuePair{}
	for _, lt := range []struct{ key, name string }{{ecs.LaunchEC2, "EC2"}, {ecs.LaunchFargate, "Fargate"}, {ecs.LaunchExternal, "External"}} {
		out = append(out, kv("running"+lt.name+"TasksCount", byLaunch[lt.key][0]), kv("pending"+lt.name+"TasksCount", byLaunch[lt.key][1]))
	}
	for _, lt := range []string{"EC2", "Fargate", "External"} {
		out = append(out, kv("active"+lt+"ServiceCount", 0), kv("draining"+lt+"ServiceCount", 0))
	}
	return out
}

// launchCounts counts running and pending tasks per launch type.
func (e *Emulator) launchCounts(clusterKey string) map[string][2]int {
	out := map[string][2]int{}
	prefix := clusterKey + "\x00"
	e.tasks.Ascend(prefix, func(k string, r *taskRecord) bool {
		if len(k) < len(prefix) || k[:len(prefix)] != prefix {
			return false
		}
		c := out[r.Task.LaunchType]
		switch s := r.Task.LastStatus; {
		case s == ecs.StatusRunning:
			c[0]++
		case s < ecs.StatusRunning:
			c[1]++
		}
		out[r.Task.LaunchType] = c
		return true
	})
	return out
}

// ListClusters lists the ARNs of the caller region's clusters in name order: ACTIVE
// ones and, as ECS does, the INACTIVE (deleted) ones it still keeps (ClusterTTL).
func (e *Emulator) ListClusters(ctx context.Context, in *ecs.ListInput) (*ecs.ListClustersOutput, error) {
	prefix := state.Key(e.st.Scope(ctx).Region, "")
	p, err := paging.New(*in, prefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListClustersOutput{ClusterArns: []string{}}
	e.store.View(func() {
		var cs []*ecs.Cluster
		cs, out.NextToken = paging.List(e.clusters, p, prefix, false, func(string, *ecs.Cluster) bool { return true })
		for _, c := range cs {
			out.ClusterArns = append(out.ClusterArns, c.ClusterArn)
		}
	})
	return out, nil
}
