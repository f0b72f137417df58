package cli

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// lbPortsPath pins load balancer ports on a running ecsmini (ecsmini import).
const lbPortsPath = "/_ecsmini/loadbalancers/ports"

// lbPorts is the request: host port by target group ARN.
type lbPorts struct {
	Ports map[string]int `json:"ports"`
}

// lbPortsResult says which target groups are (or will be) on the port asked for, and
// which keep another one (pinned at start-up, or their balancer already running).
type lbPortsResult struct {
	Pinned []string `json:"pinned"`
	Kept   []string `json:"kept"`
}

func lbPortsHandler(emu *emulator.Emulator) http.Handler {
	return jsonHandler(false, func(_ context.Context, in *lbPorts, _ *http.Request) (lbPortsResult, error) {
		res := lbPortsResult{Pinned: []string{}, Kept: []string{}}
		arns := make([]string, 0, len(in.Ports))
		for arn := range in.Ports {
			arns = append(arns, arn)
		}
		sort.Strings(arns)
		for _, arn := range arns {
			if p := in.Ports[arn]; p > 0 && p < 65536 && emu.PinLoadBalancerPort(arn, p) {
				res.Pinned = append(res.Pinned, arn)
			} else {
				res.Kept = append(res.Kept, arn)
			}
		}
		return res, nil
	})
}

// pinComposePorts asks the ecsmini at endpoint to put the plan's published ports'
// load balancers on their compose host ports, before the services exist.
func pinComposePorts(ctx context.Context, endpoint string, plan *composeimport.Plan, logf func(string, ...any)) error {
	in := lbPorts{Ports: map[string]int{}}
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
	var out lbPortsResult
	if err := simCall(ctx, endpoint, lbPortsPath, in, &out); err != nil {
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
