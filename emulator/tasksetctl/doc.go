// Package tasksetctl runs the task sets of services with the EXTERNAL and CODE_DEPLOY
// deployment controllers: the task set operations (CreateTaskSet ... DeleteTaskSet)
// as functions over *state.State that the facade wraps, and a reconciler that keeps
// each task set at its computed desired count with real tasks, registers them with the
// set's local load balancers, and, for CODE_DEPLOY services, stands in for AWS
// CodeDeploy: it shifts production traffic from the original task set to the
// replacement all at once and removes the original.
//
// The services reconciler (servicectl) keeps the membership index of every service and
// hands a pass over a task set service to Ctl.Reconcile. Like the other reconcilers,
// this package reaches the facade only through its Host interface and never imports
// package emulator.
package tasksetctl
