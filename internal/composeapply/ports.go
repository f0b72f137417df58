package composeapply

import (
	"context"
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// pinPorts asks the ecsmini to put the plan's published ports' load balancers
// on their compose host ports, before the services exist.
func pinPorts(ctx context.Context, c *ecsminiapi.Client, plan *composeimport.Plan, logf func(string, ...any)) error {
	in := ecsminiapi.LBPorts{Ports: map[string]int{}}
	hostPort := map[string]int{}
	for _, s := range plan.Services {
		for _, p := range s.Ports {
			if p.HostPort > 0 {
				in.Ports[p.TargetGroupArn] = p.HostPort
				hostPort[p.TargetGroupArn] = p.HostPort
			}
		}
	}
	if len(in.Ports) == 0 {
		return nil
	}
	out, err := c.PinLBPorts(ctx, in)
	if err != nil {
		return fmt.Errorf("pinning the published ports: %w", err)
	}
	for _, arn := range out.Kept {
		logf("note: the load balancer of %s keeps its port (pinned at start-up or already running), not %d; 'ecsmini ps' shows it", targetGroupLabel(arn), hostPort[arn])
	}
	return nil
}

// targetGroupLabel is the name in a target group ARN (…:targetgroup/NAME/ID).
func targetGroupLabel(arn string) string {
	_, rest, ok := strings.Cut(arn, "targetgroup/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}
