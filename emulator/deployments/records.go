package deployments

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/svcdeploy"
)

// This file links services to their service deployment records (package svcdeploy):
// every store write of a service goes through Put, which creates a record for
// each new deployment and moves the existing ones on, in the same transaction, so that
// DescribeServiceDeployments never disagrees with DescribeServices.

// Records is the service deployment table beside the state it follows.
type Records struct {
	St    *state.State
	Table *store.Table[svcdeploy.Record]
}

// Put stores r after bringing its service deployment records up to date.
func (e *Records) Put(tx *store.Tx, k string, r *state.Service) {
	e.Sync(tx, r, e.St.Clock.Now())
	e.St.Services.Put(tx, k, r)
}

// Prefix is the store key prefix of a service's deployment records.
func Prefix(region, cluster, service string) string {
	return state.Key(region, cluster, service) + "\x00"
}

// serviceDeps is what svcdeploy.Advance reads of a service's deployments.
func serviceDeps(r *state.Service) []svcdeploy.Dep {
	out := make([]svcdeploy.Dep, len(r.Deployments))
	for i, d := range r.Deployments {
		out[i] = svcdeploy.Dep{ID: d.ID, Status: d.Status, RolloutState: d.RolloutState, Rollback: d.Rollback,
			Desired: d.DesiredCount, Pending: d.PendingCount, Running: d.RunningCount, Fails: d.FailedTasks}
	}
	return out
}

// Sync creates a record for each deployment that has none (linking
// it through deploymentRecord.ServiceDeployment) and advances the others. It must run
// inside a store Update, on a record about to be Put.
func (e *Records) Sync(tx *store.Tx, r *state.Service, now time.Time) {
	deps := serviceDeps(r)
	for i := len(r.Deployments) - 1; i >= 0; i-- { // oldest first: records are keyed in creation order
		d := &r.Deployments[i]
		if d.ServiceDeployment == "" {
			sk, rec := e.newRecord(r, i, deps, now)
			d.ServiceDeployment = sk
			e.Table.Put(tx, sk, rec)
			continue
		}
		old, ok := e.Table.Get(d.ServiceDeployment)
		if !ok {
			continue
		}
		next := svcdeploy.Advance(old, deps, now)
		if next.Deployment.LifecycleStage != d.LifecycleStage || !reflect.DeepEqual(next.Deployment.LifecycleHookDetails, d.LifecycleHooks) {
			c := *next
			c.Deployment.LifecycleStage, c.Deployment.LifecycleHookDetails = d.LifecycleStage, d.LifecycleHooks
			next = &c
		}
		if next != old {
			e.Table.Put(tx, d.ServiceDeployment, next)
		}
	}
}

// newRecord is the record of deployment i of r: its target revision
// is the deployment as launched, its sources the other deployments still serving.
func (e *Records) newRecord(r *state.Service, i int, deps []svcdeploy.Dep, now time.Time) (string, *svcdeploy.Record) {
	s, d := r.Service, &r.Deployments[i]
	a, _ := ecs.ParseARN(s.ServiceArn)
	sc := ecs.Scope{Region: a.Region, Account: a.Account}
	id := svcdeploy.NewID()
	created := now
	if d.CreatedAt != nil {
		created = d.CreatedAt.Time
	}
	rev := ecs.ServiceRevision{
		ServiceRevisionArn: sc.ServiceRevisionARN(r.ClusterName, s.ServiceName, svcdeploy.Number(d.ID)),
		ServiceArn:         s.ServiceArn, ClusterArn: s.ClusterArn, TaskDefinition: d.TaskDefinition,
		CapacityProviderStrategy: d.CapacityProviderStrategy, LaunchType: d.LaunchType,
		PlatformVersion: d.PlatformVersion, PlatformFamily: d.PlatformFamily,
		LoadBalancers: s.LoadBalancers, ServiceRegistries: s.ServiceRegistries,
		NetworkConfiguration: d.NetworkConfiguration, ContainerImages: e.containerImages(d.TaskDefinition),
		ServiceConnectConfiguration: d.ServiceConnectConfiguration, VolumeConfigurations: d.VolumeConfigurations,
		CreatedAt: ecs.At(created),
	}
	sd := ecs.ServiceDeployment{
		ServiceDeploymentArn: sc.ServiceDeploymentARN(r.ClusterName, s.ServiceName, id),
		ServiceArn:           s.ServiceArn, ClusterArn: s.ClusterArn, CreatedAt: ecs.At(created), UpdatedAt: ecs.At(now),
		TargetServiceRevision: &ecs.ServiceRevisionSummary{Arn: rev.ServiceRevisionArn, RequestedTaskCount: d.DesiredCount,
			PendingTaskCount: d.PendingCount, RunningTaskCount: d.RunningCount},
		Status:                  svcdeploy.InitialStatus(deps[i]),
		DeploymentConfiguration: cloneDeploymentConfig(s.DeploymentConfiguration),
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreaker{Status: ecs.MonitorDisabled,
			Threshold: scheduler.BreakerThreshold(d.DesiredCount)},
		Alarms: &ecs.ServiceDeploymentAlarms{Status: ecs.MonitorDisabled},
	}
	if dc := s.DeploymentConfiguration; dc != nil {
		if cb := dc.DeploymentCircuitBreaker; cb != nil && cb.Enable {
			sd.DeploymentCircuitBreaker.Status = ecs.MonitorActive
		}
		if al := dc.Alarms; al != nil && al.Enable {
			sd.Alarms.Status, sd.Alarms.AlarmNames = ecs.MonitorActive, al.AlarmNames
		}
	}
	if sd.Status != ecs.SDPending {
		sd.DeploymentCircuitBreaker.Status = disabledOr(sd.DeploymentCircuitBreaker.Status, ecs.MonitorComplete)
		sd.Alarms.Status = disabledOr(sd.Alarms.Status, ecs.MonitorComplete)
		sd.StartedAt = sd.CreatedAt
		if sd.Status == ecs.SDSuccessful {
			sd.FinishedAt = ecs.At(now)
		} else {
			sd.StoppedAt = ecs.At(now)
		}
	}
	rec := &svcdeploy.Record{Deployment: sd, Revision: rev, DeploymentID: d.ID}
	for j, o := range r.Deployments {
		if j != i && o.Status != ecs.DeploymentInactive {
			rec.Sources = append(rec.Sources, o.ID)
			rec.Deployment.SourceServiceRevisions = append(rec.Deployment.SourceServiceRevisions, ecs.ServiceRevisionSummary{
				Arn:                sc.ServiceRevisionARN(r.ClusterName, s.ServiceName, svcdeploy.Number(o.ID)),
				RequestedTaskCount: o.DesiredCount, PendingTaskCount: o.PendingCount, RunningTaskCount: o.RunningCount})
		}
	}
	prefix := Prefix(a.Region, r.ClusterName, s.ServiceName)
	sk := prefix + store.NextOrdinal(e.Table, prefix) + "\x00" + id
	return sk, rec
}

func disabledOr(status, other string) string {
	if status == ecs.MonitorDisabled {
		return status
	}
	return other
}

// containerImages lists the images of a task definition's containers.
func (e *Records) containerImages(taskDefARN string) []ecs.ContainerImage {
	tr, ok := e.St.TaskDefs.Get(TaskDefKey(taskDefARN))
	if !ok {
		return nil
	}
	td, err := tr.Decode()
	if err != nil {
		return nil
	}
	out := make([]ecs.ContainerImage, 0, len(td.ContainerDefinitions))
	for _, c := range td.ContainerDefinitions {
		out = append(out, ecs.ContainerImage{ContainerName: ecs.Deref(c.Name), Image: ecs.Deref(c.Image)})
	}
	return out
}

// cloneDeploymentConfig copies a deployment configuration so that the record does not
// share pointers with the service.
func cloneDeploymentConfig(dc *ecs.DeploymentConfiguration) *ecs.DeploymentConfiguration {
	if dc == nil {
		return nil
	}
	b, err := json.Marshal(dc)
	if err != nil {
		return nil
	}
	out := new(ecs.DeploymentConfiguration)
	if json.Unmarshal(b, out) != nil {
		return nil
	}
	return out
}

// find resolves a service deployment ARN to its store key and record.
// It must run inside a store View or Update.
func (e *Records) find(arn string) (string, *svcdeploy.Record, bool) {
	a, ok := ecs.ParseARN(arn)
	if !ok || a.Service != "ecs" || a.Kind() != "service-deployment" {
		return "", nil, false
	}
	parts := strings.Split(a.Path(), "/")
	if len(parts) != 3 {
		return "", nil, false
	}
	var fk string
	var found *svcdeploy.Record
	prefix := Prefix(a.Region, parts[0], parts[1])
	e.Table.Ascend(prefix, func(k string, v *svcdeploy.Record) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if strings.HasSuffix(k, "\x00"+parts[2]) && a.InAccount(e.St.AccountID) {
			fk, found = k, v
			return false
		}
		return true
	})
	return fk, found, found != nil
}

// findRevision resolves a service revision ARN to the record that deploys it.
func (e *Records) findRevision(arn string) (*svcdeploy.Record, bool) {
	a, ok := ecs.ParseARN(arn)
	if !ok || a.Service != "ecs" || a.Kind() != "service-revision" {
		return nil, false
	}
	parts := strings.Split(a.Path(), "/")
	if len(parts) != 3 {
		return nil, false
	}
	var found *svcdeploy.Record
	prefix := Prefix(a.Region, parts[0], parts[1])
	e.Table.Ascend(prefix, func(k string, v *svcdeploy.Record) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if svcdeploy.Number(v.DeploymentID) == parts[2] && a.InAccount(e.St.AccountID) {
			found = v
			return false
		}
		return true
	})
	return found, found != nil
}

// TaskDefKey is the store key of a task definition revision ARN.
func TaskDefKey(arn string) string {
	a, _ := ecs.ParseARN(arn)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	return state.Key(a.Region, family, state.RevKey(n))
}
