// Package scheduler is the ECS service scheduler as a pure planner (DESIGN principle 3:
// observe → plan → execute). PlanService takes a snapshot of one service — its
// deployments, its tasks and the time — and returns a Plan: tasks to start and stop,
// deployment state changes and the service events ECS would write, each with its cause.
// The control loop observes, calls PlanService, and carries the plan out; it decides
// nothing itself. Because the planner reads no clock and keeps no state, every rule of
// spec §5 (ecs-control-plane.md) is a table test over printed plans.
//
// State that must survive between plans (breaker failure counts, the launch back-off,
// whether the service was steady) lives in the snapshot and comes back updated in the
// plan, so the store stays the one owner of state (principle 4).
package scheduler
