package servicedefs

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Role applies ECS's rules for CreateService's role, the IAM role ECS calls a
// classic load balancer setup with: it needs a load balancer, and services that need the
// service-linked role instead (awsvpc, several target groups) refuse it.
func Role(in *ecs.CreateServiceInput) error {
	switch {
	case in.Role == "":
		return nil
	case len(in.LoadBalancers) == 0:
		return ecs.InvalidParameter("A role was passed, but no load balancers were present.")
	case in.NetworkConfiguration != nil || len(in.LoadBalancers) > 1:
		return ecs.InvalidParameter("You cannot specify an IAM role for services that require a service linked role.")
	}
	return nil
}

// RoleARN is the ARN of role, given as an ARN, a name or a path and name ("/foo/bar").
func RoleARN(sc ecs.Scope, role string) string {
	if strings.HasPrefix(role, "arn:") {
		return role
	}
	return "arn:aws:iam::" + sc.Account + ":role/" + strings.TrimPrefix(role, "/")
}
