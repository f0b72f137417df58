package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// The service deployment records and operations live in package deployments.

// putService stores r after bringing its service deployment records up to date.
func (e *Emulator) putService(tx *store.Tx, k string, r *state.Service) { e.deploys.Put(tx, k, r) }

// SyncServiceDeployments lets the service controller keep the records in step with the
// services it stores (servicectl.Host).
func (h host) SyncServiceDeployments(tx *store.Tx, r *state.Service, now time.Time) {
	h.e.deploys.Sync(tx, r, now)
}

// ListServiceDeployments lists a service's deployments, newest first.
func (e *Emulator) ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput) (*ecs.ListServiceDeploymentsOutput, error) {
	return e.deploys.ListServiceDeployments(ctx, in)
}

// DescribeServiceDeployments describes service deployments by ARN.
func (e *Emulator) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput) (*ecs.DescribeServiceDeploymentsOutput, error) {
	return e.deploys.DescribeServiceDeployments(ctx, in)
}

// DescribeServiceRevisions describes service revisions by ARN.
func (e *Emulator) DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput) (*ecs.DescribeServiceRevisionsOutput, error) {
	return e.deploys.DescribeServiceRevisions(ctx, in)
}

// StopServiceDeployment stops a PENDING or IN_PROGRESS deployment (ROLLBACK or ABORT).
func (e *Emulator) StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput) (*ecs.ServiceDeploymentArnOutput, error) {
	return e.deploys.StopServiceDeployment(ctx, in, e.ctl.MarkDirty)
}

// ContinueServiceDeployment acts on a deployment paused at a lifecycle hook.
func (e *Emulator) ContinueServiceDeployment(ctx context.Context, in *ecs.ContinueServiceDeploymentInput) (*ecs.ServiceDeploymentArnOutput, error) {
	return e.deploys.ContinueServiceDeployment(ctx, in, e.ctl.MarkDirty)
}
