package emulator

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator/cost"
	"github.com/ecsmini/ecsmini/emulator/state"
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
	capacity         = state.Capacity
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
