package composeapply

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// pinPorts asks the ecsmini to put the plan's published ports' load balancers
// on their compose host ports, before the services exist. A host port another program
// holds is said at once and returned (port → why): that balancer cannot start.
func pinPorts(ctx context.Context, c *ecsminiapi.Client, plan *composeimport.Plan, logf func(string, ...any)) (map[int]string, error) {
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
		return nil, nil
	}
	out, err := c.PinLBPorts(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("pinning the published ports: %w", err)
	}
	for _, arn := range out.Kept {
		logf("note: the load balancer of %s keeps its port (pinned at start-up or already running), not %d; 'ecsmini ps' shows it", targetGroupLabel(arn), hostPort[arn])
	}
	lbs, err := c.LoadBalancers(ctx)
	if err != nil {
		return nil, err
	}
	ours := map[string]bool{}
	for _, b := range lbs {
		ours[b.Address] = true
	}
	busy := map[int]string{}
	for arn, port := range hostPort {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if ours[addr] {
			continue
		}
		if err := portFree(addr); err != nil {
			busy[port] = fmt.Sprintf("port %d is taken by another program (%v): the load balancer of %s cannot listen there", port, err, targetGroupLabel(arn))
			logf("warning: %s", busy[port])
		}
	}
	return busy, nil
}

// portFree says whether addr can be listened on now, by listening and closing.
func portFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			return op.Err
		}
		return err
	}
	return ln.Close()
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
