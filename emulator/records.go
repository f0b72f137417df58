package emulator

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/emulator/cost"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/tagging"
	"github.com/ecsmini/ecsmini/fargate"
)

// The records the facade reads and writes live in package state, shared with the
// reconcilers; these names keep the facade's code short.
type (
	taskRecord       = state.Task
	serviceRecord    = state.Service
	deploymentRecord = state.Deployment
	instanceRecord   = state.Instance
	asgRecord        = state.ASG
	spotRecord       = state.Spot
	taskDefRecord    = state.TaskDef
	familyRecord     = state.Family
	pendingPlacement = state.Placement
)

// ASGRequest sets a simulated Auto Scaling group's sizes (nil leaves one as it is).
type ASGRequest = state.ASGRequest

const defaultCluster = state.DefaultCluster

// The cost report's types live in package cost.
type (
	CostReport  = cost.Report
	CostTotal   = cost.Total
	ClusterCost = cost.Cluster
	ServiceCost = cost.Service
	GroupCost   = cost.Group
	TaskCost    = cost.Task
)

// Cost reports the estimated Fargate cost of every task in the store at time now (the
// emulator's clock when now is zero), priced with prices. It only reads.
func (e *Emulator) Cost(now time.Time, prices fargate.PriceTable) CostReport {
	return cost.Of(e.st, now, prices)
}

// TagResource adds or overwrites tags on a resource.
func (e *Emulator) TagResource(ctx context.Context, in *ecs.TagResourceInput) (*ecs.Empty, error) {
	return tagging.TagResource(ctx, e.st, in)
}

// UntagResource removes tags by key; keys the resource does not have are ignored.
func (e *Emulator) UntagResource(ctx context.Context, in *ecs.UntagResourceInput) (*ecs.Empty, error) {
	return tagging.UntagResource(ctx, e.st, in)
}

// ListTagsForResource lists a resource's tags.
func (e *Emulator) ListTagsForResource(ctx context.Context, in *ecs.ResourceRef) (*ecs.TagsOutput, error) {
	return tagging.ListTagsForResource(ctx, e.st, in)
}

// Events is the emulator's event stream: subscribe to it, read its history, serve it
// with events.Handler (what is published and when: package eventemit).
func (e *Emulator) Events() *events.Bus { return e.ev.Bus() }
