// Package deployments holds the service deployment operations (ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment,
// ContinueServiceDeployment) and the link between a service's store writes and its
// service deployment records (package svcdeploy). It works over *state.State and the
// records table; the facade wraps each operation in one line.
package deployments
