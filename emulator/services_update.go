package emulator

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicedefs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
)

// UpdateService changes a service. A change to what its tasks run — task definition,
// network, load balancers, Service Connect, platform version, capacity providers — or
// forceNewDeployment starts a new PRIMARY deployment; the old one turns ACTIVE and the
// control loop rolls tasks over (spec §5.2, §5.4). Other changes take effect in place.
func (e *Emulator) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput) (*ecs.ServiceOutput, error) {
	if err := servicedefs.UpdateInput(in); err != nil {
		return nil, err
	}
	sc := e.st.Scope(ctx)
	return e.changeService(ctx, in.Cluster, in.Service, func(k string, r *serviceRecord) error {
		if r.Service.Status != ecs.ServiceActive {
			return ecs.Errorf(ecs.CodeServiceNotActive, "Service was not ACTIVE.")
		}
		if err := servicedefs.ExternalUpdate(r.Service.LaunchType, in); err != nil {
			return err
		}
		if state.UsesTaskSets(r.Service) {
			return e.updateTaskSetService(ctx, sc, k, r, in)
		}
		if c := in.DeploymentController; c != nil && c.Type != "" && c.Type != ecs.ControllerECS {
			return ecs.InvalidParameter("Unable to update the deployment controller of a service from ECS to %s.", c.Type)
		}
		s := r.Service
		cluster, _ := e.clusters.Get(state.Key(state.LastRegion(k), r.ClusterName))
		if in.DesiredCount != nil && s.SchedulingStrategy == ecs.SchedulingReplica {
			s.DesiredCount = *in.DesiredCount
		}
		if dc := in.DeploymentConfiguration; dc != nil {
			merged := *s.DeploymentConfiguration
			if dc.MaximumPercent != nil {
				merged.MaximumPercent = dc.MaximumPercent
			}
			if dc.MinimumHealthyPercent != nil {
				merged.MinimumHealthyPercent = dc.MinimumHealthyPercent
			}
			if dc.DeploymentCircuitBreaker != nil {
				merged.DeploymentCircuitBreaker = dc.DeploymentCircuitBreaker
			}
			if dc.Alarms != nil {
				merged.Alarms = dc.Alarms
			}
			mergeStrategy(&merged, dc)
			if *merged.MaximumPercent <= *merged.MinimumHealthyPercent {
				return ecs.InvalidParameter("maximumPercent must be greater than minimumHealthyPercent.")
			}
			s.DeploymentConfiguration = &merged
		}
		lbs := s.LoadBalancers
		if in.LoadBalancers != nil {
			lbs = in.LoadBalancers
		}
		if err := strategy.Validate(s.DeploymentConfiguration, lbs, s.SchedulingStrategy == ecs.SchedulingDaemon); err != nil {
			return err
		}
		if in.HealthCheckGracePeriodSeconds != nil {
			s.HealthCheckGracePeriodSeconds = in.HealthCheckGracePeriodSeconds
		}
		if in.EnableExecuteCommand != nil {
			s.EnableExecuteCommand = *in.EnableExecuteCommand
		}
		if in.EnableECSManagedTags != nil {
			s.EnableECSManagedTags = *in.EnableECSManagedTags
		}
		if in.PropagateTags != nil {
			s.PropagateTags = *in.PropagateTags
		}
		if in.AvailabilityZoneRebalancing != nil {
			s.AvailabilityZoneRebalancing = *in.AvailabilityZoneRebalancing
		}
		if in.PlacementConstraints != nil {
			s.PlacementConstraints = in.PlacementConstraints
		}
		if in.PlacementStrategy != nil {
			s.PlacementStrategy = in.PlacementStrategy
		}
		if in.ServiceRegistries != nil {
			s.ServiceRegistries = in.ServiceRegistries
		}
		if err := e.redeploy(ctx, sc, cluster, r, in); err != nil {
			return err
		}
		if p := r.Primary(); p != nil {
			p.DesiredCount = s.DesiredCount
		}
		return nil
	})
}

// changeService applies change to a copy of a service, commits it, answers with the
// service as changed and has the control loop plan it again. errUnchanged from change
// answers with the service as it was and commits nothing.
func (e *Emulator) changeService(ctx context.Context, clusterRef, ref string, change func(k string, r *serviceRecord) error) (*ecs.ServiceOutput, error) {
	var out *ecs.Service
	var k string
	err := e.store.Update(func(tx *store.Tx) error {
		var old *serviceRecord
		var err error
		if k, old, err = e.st.FindService(ctx, clusterRef, ref); err != nil {
			return err
		}
		r := old.Clone()
		switch err := change(k, r); {
		case err == errUnchanged:
			out = old.Present(false)
			return nil
		case err != nil:
			return err
		}
		e.putService(tx, k, r)
		out = r.Present(false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.ctl.MarkDirty(k)
	return &ecs.ServiceOutput{Service: out}, nil
}

// redeploy starts a new deployment when the update changes what tasks run.
func (e *Emulator) redeploy(ctx context.Context, sc ecs.Scope, cluster *ecs.Cluster, r *serviceRecord, in *ecs.UpdateServiceInput) error {
	s, cur := r.Service, r.Primary()
	l := serviceLaunch{taskDefinition: s.TaskDefinition, launchType: s.LaunchType, strategy: s.CapacityProviderStrategy,
		platformVersion: s.PlatformVersion, network: s.NetworkConfiguration, loadBalancers: s.LoadBalancers,
		scheduling: s.SchedulingStrategy, volumes: cur.VolumeConfigurations}
	sconn := cur.ServiceConnectConfiguration
	changed := in.ForceNewDeployment
	if in.TaskDefinition != nil && *in.TaskDefinition != "" {
		l.taskDefinition = *in.TaskDefinition
		changed = true // compared after resolution below
	}
	if in.NetworkConfiguration != nil && !reflect.DeepEqual(in.NetworkConfiguration, s.NetworkConfiguration) {
		l.network, changed = in.NetworkConfiguration, true
	}
	if in.LoadBalancers != nil && !reflect.DeepEqual(in.LoadBalancers, s.LoadBalancers) {
		l.loadBalancers, changed = in.LoadBalancers, true
	}
	if in.PlatformVersion != nil && *in.PlatformVersion != s.PlatformVersion {
		l.platformVersion, changed = *in.PlatformVersion, true
	}
	if in.CapacityProviderStrategy != nil && !reflect.DeepEqual(in.CapacityProviderStrategy, s.CapacityProviderStrategy) {
		l.strategy, l.launchType, changed = in.CapacityProviderStrategy, "", true
	}
	if in.VolumeConfigurations != nil && !jsonEqual(servicedefs.NoVolumes(in.VolumeConfigurations), cur.VolumeConfigurations) {
		l.volumes, changed = servicedefs.NoVolumes(in.VolumeConfigurations), true // [] removes them
	}
	if len(in.ServiceConnectConfiguration) > 0 && !jsonEqual(in.ServiceConnectConfiguration, sconn) {
		sconn, changed = in.ServiceConnectConfiguration, true
	}
	if !changed {
		return nil
	}
	dep, err := e.newDeployment(ctx, sc, cluster, l)
	if err != nil {
		return err
	}
	if err := e.checkServiceConnect(sconn, dep.TaskDefinition, cluster); err != nil {
		return err
	}
	if !in.ForceNewDeployment && dep.TaskDefinition == cur.TaskDefinition && l.platformVersion == s.PlatformVersion &&
		reflect.DeepEqual(l.network, s.NetworkConfiguration) && reflect.DeepEqual(l.loadBalancers, s.LoadBalancers) &&
		reflect.DeepEqual(l.strategy, s.CapacityProviderStrategy) && jsonEqual(sconn, cur.ServiceConnectConfiguration) &&
		jsonEqual(l.volumes, cur.VolumeConfigurations) {
		return nil // the same task definition again: nothing to roll out
	}
	now := e.cfg.Clock.Now()
	dep.CreatedAt, dep.UpdatedAt = ecs.At(now), ecs.At(now)
	dep.ServiceConnectConfiguration = sconn
	for i := range r.Deployments {
		if r.Deployments[i].Status == ecs.DeploymentPrimary {
			r.Deployments[i].Status = ecs.DeploymentActive
			r.Deployments[i].UpdatedAt = ecs.At(now)
		}
	}
	r.Deployments = append([]deploymentRecord{{Deployment: *dep}}, r.Deployments...)
	r.Deployments = trimDeployments(r.Deployments)
	s.TaskDefinition, s.NetworkConfiguration, s.LoadBalancers = dep.TaskDefinition, l.network, nonNil(l.loadBalancers)
	s.CapacityProviderStrategy, s.LaunchType = l.strategy, dep.LaunchType
	if dep.PlatformVersion != "" {
		s.PlatformVersion = l.platformVersion
		if s.PlatformVersion == "" {
			s.PlatformVersion = "LATEST"
		}
	}
	r.Steady = false
	return nil
}

// trimDeployments keeps every PRIMARY and ACTIVE deployment and the newest few
// INACTIVE ones, enough for a rollback to find the last COMPLETED deployment.
func trimDeployments(ds []deploymentRecord) []deploymentRecord {
	const keepInactive = 5
	out := ds[:0]
	inactive := 0
	for _, d := range ds {
		if d.Status == ecs.DeploymentInactive {
			if inactive++; inactive > keepInactive {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}

// DeleteService deletes a service: it turns DRAINING with desiredCount 0 while the
// control loop stops its tasks, then INACTIVE (spec §5.14). ECS refuses a service still
// scaled above 0 unless force is set.
func (e *Emulator) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput) (*ecs.ServiceOutput, error) {
	return e.changeService(ctx, in.Cluster, in.Service, func(_ string, r *serviceRecord) error {
		s := r.Service
		if s.Status != ecs.ServiceActive {
			return errUnchanged // deleting again answers with the service as it is
		}
		if s.DesiredCount > 0 && s.SchedulingStrategy == ecs.SchedulingReplica && !ecs.Deref(in.Force) {
			return ecs.InvalidParameter("The service cannot be stopped while it is scaled above 0.")
		}
		s.Status, s.DesiredCount = ecs.ServiceDraining, 0
		if p := r.Primary(); p != nil {
			p.DesiredCount = 0
		}
		return nil
	})
}

// mergeStrategy applies the strategy fields an UpdateService names: each given field
// replaces the service's (ECS keeps the ones not given).
func mergeStrategy(merged, dc *ecs.DeploymentConfiguration) {
	if dc.Strategy != "" {
		merged.Strategy = dc.Strategy
	}
	if dc.BakeTimeInMinutes != nil {
		merged.BakeTimeInMinutes = dc.BakeTimeInMinutes
	}
	if dc.LifecycleHooks != nil {
		merged.LifecycleHooks = dc.LifecycleHooks
	}
	if dc.LinearConfiguration != nil {
		merged.LinearConfiguration = dc.LinearConfiguration
	}
	if dc.CanaryConfiguration != nil {
		merged.CanaryConfiguration = dc.CanaryConfiguration
	}
	if dc.Strategy != "" && dc.Strategy != strategy.Linear && dc.LinearConfiguration == nil {
		merged.LinearConfiguration = nil
	}
	if dc.Strategy != "" && dc.Strategy != strategy.Canary && dc.CanaryConfiguration == nil {
		merged.CanaryConfiguration = nil
	}
}
