package emulator

import "github.com/ecsmini/ecsmini/emulator/state"

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
