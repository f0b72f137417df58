// Package fargatectl is the Fargate reconciler of the control loop: Fargate Spot
// capacity and its interruptions (two-minute warning, then the stop), task retirement
// of standalone tasks, and Spot tasks held while Spot capacity is unavailable. It
// works on the state package and reaches the facade only through its Host interface.
package fargatectl
