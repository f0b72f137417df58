package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// psService is one service as ps shows it under its tasks.
type psService struct {
	Cluster, Name, Status, Rollout string
	Desired, Running, Pending      int
	Deployments                    int
	Endpoints                      []string // local load balancer URLs
}

// lbInfo is where a local load balancer listens and, while a deployment strategy
// shifts traffic, its weights by deployment id.
type lbInfo struct {
	addr     string
	weights  map[string]float64
	bakeEnds time.Time // when the shifting deployment's bake ends (zero: none)
}

// lbInfos asks the running ecsmini where its local load balancers listen, by target
// group ARN, with their weights.
func lbInfos(ctx context.Context, c *ecsminiapi.Client) (map[string]lbInfo, error) {
	lbs, err := c.LoadBalancers(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]lbInfo{}
	for _, lb := range lbs {
		out[lb.TargetGroupArn] = lbInfo{addr: lb.Address, weights: lb.Weights, bakeEnds: lb.BakeEnds}
	}
	return out, nil
}

// lbEndpoints are a load balancer's URLs for ps: production (with green's share while a
// BLUE_GREEN, LINEAR or CANARY deployment shifts) and the test listener.
func lbEndpoints(lb ecs.LoadBalancer, addrs map[string]lbInfo, primary string) []string {
	var out []string
	to := fmt.Sprintf("%s:%d", lb.ContainerName, ecs.Deref(lb.ContainerPort))
	if a, ok := addrs[lb.TargetGroupArn]; ok {
		e := fmt.Sprintf("http://%s → %s", a.addr, to)
		if len(a.weights) > 1 {
			e += fmt.Sprintf(" (new revision %g%%)", a.weights[primary])
		}
		out = append(out, e)
	}
	if adv := lb.AdvancedConfiguration; adv != nil {
		if a, ok := addrs[adv.AlternateTargetGroupArn]; ok {
			out = append(out, fmt.Sprintf("test http://%s → %s", a.addr, to))
		}
	}
	return out
}

// clusterServices lists the services of the clusters ps shows, with their local load
// balancer URLs.
func clusterServices(ctx context.Context, c *ecsminiapi.Client, clusters []string) ([]psService, error) {
	var out []psService
	var addrs map[string]lbInfo
	for _, cluster := range clusters {
		svcs, err := c.Services(ctx, cluster)
		if isCode(err, ecs.CodeClusterNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			row := psService{Cluster: lastSegment(s.ClusterArn), Name: s.ServiceName, Status: s.Status,
				Desired: s.DesiredCount, Running: s.RunningCount, Pending: s.PendingCount, Deployments: len(s.Deployments)}
			primary := ""
			for _, d := range s.Deployments {
				if d.Status == ecs.DeploymentPrimary {
					row.Rollout, primary = d.RolloutState, d.ID
				}
			}
			if len(s.LoadBalancers) > 0 && addrs == nil {
				if addrs, err = lbInfos(ctx, c); err != nil {
					return nil, err
				}
			}
			for _, lb := range s.LoadBalancers {
				row.Endpoints = append(row.Endpoints, lbEndpoints(lb, addrs, primary)...)
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// printServices prints the services block below the tasks.
func printServices(w io.Writer, svcs []psService) error {
	if len(svcs) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCLUSTER\tSTATUS\tDESIRED\tRUNNING\tPENDING\tROLLOUT\tLOAD BALANCER")
	for _, s := range svcs {
		rollout := dash(s.Rollout)
		if s.Deployments > 1 {
			rollout += fmt.Sprintf(" (%d deployments)", s.Deployments)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", s.Name, s.Cluster, s.Status, s.Desired, s.Running, s.Pending,
			rollout, dash(strings.Join(s.Endpoints, ", ")))
	}
	return tw.Flush()
}
