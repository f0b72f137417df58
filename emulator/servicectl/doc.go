// Package servicectl is the services reconciler of the control loop: each pass plans
// the services that changed (the pure planner in package scheduler), admits and
// places the tasks the plan starts (package admission), and carries the plan out after
// the commit: launching and stopping tasks, the local load balancers and their
// weights during BLUE_GREEN, LINEAR and CANARY deployments (strategy.go), DNS records,
// daemon-strategy services, and the hand-off of EXTERNAL and CODE_DEPLOY services to
// package tasksetctl. It works on the state package and reaches the facade only
// through its Host interface.
package servicectl
