// Package svcdeploy keeps the service deployment and service revision records of the
// ECS service deployment API (ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions) in step with a service's deployments.
//
// ecsmini's scheduler works with the deployments DescribeServices shows (ecs-svc/N,
// PRIMARY/ACTIVE/INACTIVE, rolloutState). Each such deployment gets one Record: the
// service deployment that moves the service to it (target revision) from the
// deployments that were serving (source revisions), and the revision itself, as
// deployed. Advance is the pure state machine that reads the deployments after every
// change and moves a record through PENDING → IN_PROGRESS → SUCCESSFUL / STOPPED /
// ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL / ROLLBACK_FAILED.
package svcdeploy
