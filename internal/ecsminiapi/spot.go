package ecsminiapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ecsmini/ecsmini/emulator"
)

// The Fargate Spot simulation's endpoints: a cluster's Spot capacity (GET shows, POST
// sets) and interrupting Spot tasks (POST).
const (
	SpotCapacityPath  = "/_ecsmini/spot/capacity"
	SpotInterruptPath = "/_ecsmini/spot/interrupt"
)

// SpotCapacity is a cluster's Fargate Spot capacity, asked for or set.
type SpotCapacity struct {
	Cluster   string `json:"cluster"`
	Available *bool  `json:"available,omitempty"`
}

// SpotInterrupt names the Spot tasks to interrupt: these tasks, or up to Count (0: all)
// of a service's.
type SpotInterrupt struct {
	Cluster string   `json:"cluster,omitempty"`
	Tasks   []string `json:"tasks,omitempty"`
	Service string   `json:"service,omitempty"`
	Count   int      `json:"count,omitempty"`
}

// SpotInterrupted lists the ARNs of the tasks interrupted.
type SpotInterrupted struct {
	Interrupted []string `json:"interrupted"`
}

func mountSpot(emu *emulator.Emulator, mux Mux) {
	mux.Handle(SpotCapacityPath, jsonHandler(true, func(ctx context.Context, in *SpotCapacity, r *http.Request) (SpotCapacity, error) {
		if r.Method == http.MethodGet {
			in.Cluster = r.URL.Query().Get("cluster")
		}
		if in.Available != nil {
			if err := emu.SetSpotCapacity(ctx, in.Cluster, *in.Available); err != nil {
				return SpotCapacity{}, err
			}
		}
		ok, err := emu.SpotCapacity(ctx, in.Cluster)
		return SpotCapacity{Cluster: clusterOrDefault(in.Cluster), Available: &ok}, err
	}))
	mux.Handle(SpotInterruptPath, jsonHandler(false, func(ctx context.Context, in *SpotInterrupt, _ *http.Request) (SpotInterrupted, error) {
		arns, err := emu.InterruptSpot(ctx, in.Cluster, in.Tasks, in.Service, in.Count)
		return SpotInterrupted{Interrupted: nonNilStrings(arns)}, err
	}))
}

func clusterOrDefault(c string) string {
	if c == "" {
		return "default"
	}
	return c
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SpotCapacity reads a cluster's Fargate Spot capacity.
func (c *Client) SpotCapacity(ctx context.Context, cluster string) (SpotCapacity, error) {
	var out SpotCapacity
	err := c.do(ctx, SpotCapacityPath, http.MethodGet, SpotCapacityPath+"?cluster="+url.QueryEscape(cluster), nil, &out)
	return out, err
}

// SetSpotCapacity removes or restores a cluster's Fargate Spot capacity.
func (c *Client) SetSpotCapacity(ctx context.Context, cluster string, available bool) (SpotCapacity, error) {
	var out SpotCapacity
	err := c.do(ctx, SpotCapacityPath, http.MethodPost, SpotCapacityPath, SpotCapacity{Cluster: cluster, Available: &available}, &out)
	return out, err
}

// InterruptSpot reclaims running Fargate Spot tasks.
func (c *Client) InterruptSpot(ctx context.Context, in SpotInterrupt) (SpotInterrupted, error) {
	var out SpotInterrupted
	err := c.do(ctx, SpotInterruptPath, http.MethodPost, SpotInterruptPath, in, &out)
	return out, err
}
