package ecsminiapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/ecsmini/ecsmini/emulator"
)

// LoadBalancersPath lists the local load balancers of services' target groups (GET);
// LBPortsPath pins their host ports before they start (POST, ecsmini import).
const (
	LoadBalancersPath = "/_ecsmini/loadbalancers"
	LBPortsPath       = "/_ecsmini/loadbalancers/ports"
)

// LBPorts is the body of POST /_ecsmini/loadbalancers/ports: host port by target
// group ARN.
type LBPorts struct {
	Ports map[string]int `json:"ports"`
}

// LBPortsResult says which target groups are (or will be) on the port asked for, and
// which keep another one (pinned at start-up, or their balancer already running).
type LBPortsResult struct {
	Pinned []string `json:"pinned"`
	Kept   []string `json:"kept"`
}

func loadBalancersHandler(emu *emulator.Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(emu.LoadBalancers()) // a vanished client is not worth reporting
	})
}

func lbPortsHandler(emu *emulator.Emulator) http.Handler {
	return jsonHandler(false, func(_ context.Context, in *LBPorts, _ *http.Request) (LBPortsResult, error) {
		res := LBPortsResult{Pinned: []string{}, Kept: []string{}}
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

// LoadBalancers lists the local load balancers.
func (c *Client) LoadBalancers(ctx context.Context) ([]emulator.LoadBalancer, error) {
	var lbs []emulator.LoadBalancer
	err := c.do(ctx, "load balancers", http.MethodGet, LoadBalancersPath, nil, &lbs)
	return lbs, err
}

// PinLBPorts asks for target groups' load balancers on the given host ports.
func (c *Client) PinLBPorts(ctx context.Context, in LBPorts) (LBPortsResult, error) {
	var out LBPortsResult
	err := c.do(ctx, LBPortsPath, http.MethodPost, LBPortsPath, in, &out)
	return out, err
}
