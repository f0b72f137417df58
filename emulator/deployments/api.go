package deployments

import (
	"context"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
	"github.com/ecsmini/ecsmini/emulator/svcdeploy"
)

// The service deployment operations. Records are made and moved on by Put
// (records.go); these read them, and StopServiceDeployment changes the service.

// serviceDeploymentStatuses is the model's ServiceDeploymentStatus, for the filter.
var serviceDeploymentStatuses = ecs.Enum{Shape: "ServiceDeploymentStatus", Values: []string{
	ecs.SDPending, ecs.SDSuccessful, ecs.SDStopped, ecs.SDStopRequested, ecs.SDInProgress,
	ecs.SDRollbackRequested, ecs.SDRollbackInProgress, ecs.SDRollbackSuccessful, ecs.SDRollbackFailed}}

// stopTypes is the model's StopServiceDeploymentStopType.
var stopTypes = ecs.Enum{Shape: "StopServiceDeploymentStopType", Values: []string{"ABORT", "ROLLBACK"}}

// ListServiceDeployments lists a service's deployments, newest first, filtered by
// status and creation time.
func (e *Records) ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput) (*ecs.ListServiceDeploymentsOutput, error) {
	if in.Service == "" {
		return nil, ecs.InvalidParameter("Service can not be blank.")
	}
	for _, st := range in.Status {
		if !serviceDeploymentStatuses.Has(st) {
			return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", st, serviceDeploymentStatuses.List())
		}
	}
	out := &ecs.ListServiceDeploymentsOutput{ServiceDeployments: []ecs.ServiceDeploymentBrief{}}
	var err error
	e.St.Store.View(func() {
		var k string
		var r *state.Service
		if k, r, err = e.St.FindService(ctx, in.Cluster, in.Service); err != nil {
			return
		}
		prefix := Prefix(state.LastRegion(k), r.ClusterName, r.Service.ServiceName)
		var p paging.Page
		if p, err = paging.New(in.ListInput, prefix, 20, 100); err != nil {
			return
		}
		recs, next := paging.List(e.Table, p, prefix, true, func(_ string, v *svcdeploy.Record) bool {
			return matchesDeploymentFilter(v, in)
		})
		for _, v := range recs {
			out.ServiceDeployments = append(out.ServiceDeployments, v.Brief())
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func matchesDeploymentFilter(v *svcdeploy.Record, in *ecs.ListServiceDeploymentsInput) bool {
	if len(in.Status) > 0 && !slices.Contains(in.Status, v.Deployment.Status) {
		return false
	}
	if f := in.CreatedAt; f != nil && v.Deployment.CreatedAt != nil {
		created := v.Deployment.CreatedAt.Time
		if f.After != nil && !created.After(f.After.Time) {
			return false
		}
		if f.Before != nil && !created.Before(f.Before.Time) {
			return false
		}
	}
	return true
}

// CheckARNList validates the ARN list of the Describe operations (1 to 20).
func CheckARNList(name string, arns []string) error {
	switch {
	case len(arns) == 0:
		return ecs.InvalidParameter("%s can not be empty.", name)
	case len(arns) > 20:
		return ecs.InvalidParameter("%s can have at most 20 items.", name)
	}
	return nil
}

// DescribeServiceDeployments describes service deployments by ARN; unknown ones are
// failures with reason MISSING.
func (e *Records) DescribeServiceDeployments(_ context.Context, in *ecs.DescribeServiceDeploymentsInput) (*ecs.DescribeServiceDeploymentsOutput, error) {
	if err := CheckARNList("serviceDeploymentArns", in.ServiceDeploymentArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: []ecs.ServiceDeployment{}, Failures: []ecs.Failure{}}
	e.St.Store.View(func() {
		for _, arn := range in.ServiceDeploymentArns {
			if _, rec, ok := e.find(arn); ok {
				out.ServiceDeployments = append(out.ServiceDeployments, rec.Deployment)
			} else {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
			}
		}
	})
	return out, nil
}

// DescribeServiceRevisions describes service revisions by ARN; unknown ones are
// failures with reason MISSING.
func (e *Records) DescribeServiceRevisions(_ context.Context, in *ecs.DescribeServiceRevisionsInput) (*ecs.DescribeServiceRevisionsOutput, error) {
	if err := CheckARNList("serviceRevisionArns", in.ServiceRevisionArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeServiceRevisionsOutput{ServiceRevisions: []ecs.ServiceRevision{}, Failures: []ecs.Failure{}}
	e.St.Store.View(func() {
		for _, arn := range in.ServiceRevisionArns {
			if rec, ok := e.findRevision(arn); ok {
				out.ServiceRevisions = append(out.ServiceRevisions, rec.Revision)
			} else {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
			}
		}
	})
	return out, nil
}

// StopServiceDeployment stops a deployment that is PENDING or IN_PROGRESS. ROLLBACK
// (the default) makes the service's last completed deployment PRIMARY again, as the
// circuit breaker's rollback does, even when rollback was not configured; ABORT halts
// the rollout where it is (the deployment turns FAILED and no more old tasks are
// replaced).
func (e *Records) StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, markDirty func(string)) (*ecs.ServiceDeploymentArnOutput, error) {
	stopType := in.StopType
	if stopType == "" {
		stopType = "ROLLBACK"
	}
	if !stopTypes.Has(stopType) {
		return nil, ecs.InvalidParameter("Invalid stopType '%s'. Valid values: %s.", stopType, stopTypes.List())
	}
	var sk0 string
	err := e.St.Store.Update(func(tx *store.Tx) error {
		sk, rec, ok := e.find(in.ServiceDeploymentArn)
		if !ok {
			return ecs.Errorf(ecs.CodeServiceDeploymentNotFound, "The service deployment %s does not exist.", in.ServiceDeploymentArn)
		}
		if !svcdeploy.Stoppable(rec.Deployment.Status) {
			return ecs.Errorf(ecs.CodeConflict, "The service deployment is in status %s and can't be stopped.", rec.Deployment.Status)
		}
		a, _ := ecs.ParseARN(rec.Deployment.ServiceArn)
		cluster, name, _ := strings.Cut(a.Path(), "/")
		k := state.ServiceKey(a.Region, cluster, name)
		old, found := e.St.Services.Get(k)
		if !found || old.Service.Status != ecs.ServiceActive {
			return ecs.Errorf(ecs.CodeConflict, "The service of the service deployment is not ACTIVE.")
		}
		r := old.Clone()
		now := e.St.Clock.Now()
		target := -1
		for i := range r.Deployments {
			if r.Deployments[i].ID == rec.DeploymentID {
				target = i
			}
		}
		if target < 0 || r.Deployments[target].Status != ecs.DeploymentPrimary {
			return ecs.Errorf(ecs.CodeConflict, "The service deployment is no longer the service's current deployment.")
		}
		d := &r.Deployments[target]
		d.RolloutState, d.UpdatedAt = ecs.RolloutFailed, ecs.At(now)
		if stopType == "ABORT" {
			d.RolloutStateReason = "ECS deployment " + d.ID + " stopped."
			e.Put(tx, k, r)
			e.Table.Put(tx, sk, svcdeploy.RequestStop(rec, stopType, "", now))
			sk0 = k
			return nil
		}
		back := -1
		for i, o := range r.Deployments {
			if i != target && o.RolloutState == ecs.RolloutCompleted && (back < 0 || o.CreatedAt.After(r.Deployments[back].CreatedAt.Time)) {
				back = i
			}
		}
		if back < 0 {
			return ecs.Errorf(ecs.CodeConflict, "The service deployment has no previous service revision to roll back to.")
		}
		d.Status, d.RolloutStateReason = ecs.DeploymentActive, "ECS deployment "+d.ID+" stopped: rolling back."
		b := &r.Deployments[back]
		b.Status, b.RolloutState, b.Rollback, b.FailedTasks, b.UpdatedAt = ecs.DeploymentPrimary, ecs.RolloutInProgress, true, 0, ecs.At(now)
		b.RolloutStateReason = "ECS deployment detected failure. Rolling back to deployment " + b.ID + "."
		r.Service.TaskDefinition = b.TaskDefinition
		r.Steady = false
		r.AddEvents(now, "(service "+r.Service.ServiceName+") rolling back to deployment "+b.ID+".")
		e.Put(tx, k, r) // its sync moves rec on; the stop request below replaces that
		e.Table.Put(tx, sk, svcdeploy.RequestStop(rec, stopType, b.ID, now))
		sk0 = k
		return nil
	})
	if err != nil {
		return nil, err
	}
	markDirty(sk0)
	return &ecs.ServiceDeploymentArnOutput{ServiceDeploymentArn: in.ServiceDeploymentArn}, nil
}

// ContinueServiceDeployment answers the PAUSE lifecycle hook a BLUE_GREEN, LINEAR or
// CANARY deployment waits at (its hookId is in the record's lifecycleHookDetails):
// CONTINUE (the default) moves it to its next stage, ROLLBACK rolls it back. The
// service's next pass acts on the answer. A deployment not paused at that hook is
// refused.
func (e *Records) ContinueServiceDeployment(_ context.Context, in *ecs.ContinueServiceDeploymentInput, markDirty func(string)) (*ecs.ServiceDeploymentArnOutput, error) {
	if in.HookID == "" {
		return nil, ecs.InvalidParameter("hookId can not be blank.")
	}
	if in.Action != "" && in.Action != "CONTINUE" && in.Action != "ROLLBACK" {
		return nil, ecs.InvalidParameter("Invalid action '%s'. Valid values: ROLLBACK, CONTINUE.", in.Action)
	}
	notPaused := func() error {
		return ecs.InvalidParameter("The lifecycle hook %s is not awaiting action: the service deployment is not paused at a lifecycle hook.", in.HookID)
	}
	var k string
	err := e.St.Store.Update(func(tx *store.Tx) error {
		_, rec, ok := e.find(in.ServiceDeploymentArn)
		if !ok {
			return ecs.Errorf(ecs.CodeServiceDeploymentNotFound, "The service deployment %s does not exist.", in.ServiceDeploymentArn)
		}
		a, _ := ecs.ParseARN(rec.Deployment.ServiceArn)
		cluster, name, _ := strings.Cut(a.Path(), "/")
		sk := state.ServiceKey(a.Region, cluster, name)
		old, found := e.St.Services.Get(sk)
		if !found {
			return notPaused()
		}
		r := old.Clone()
		for i := range r.Deployments {
			d := &r.Deployments[i]
			if d.ID != rec.DeploymentID || d.Shift == nil || d.Status != ecs.DeploymentPrimary {
				continue
			}
			p, err := strategy.Continue(*d.Shift, in.HookID, in.Action)
			if err != nil {
				return notPaused()
			}
			d.Shift = &p
			e.Put(tx, sk, r)
			k = sk
			return nil
		}
		return notPaused()
	})
	if err != nil {
		return nil, err
	}
	markDirty(k)
	return &ecs.ServiceDeploymentArnOutput{ServiceDeploymentArn: in.ServiceDeploymentArn}, nil
}
