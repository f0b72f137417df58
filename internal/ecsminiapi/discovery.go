package ecsminiapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// DiscoveryPath shows the names tasks resolve (GET ?cluster=NAME: the Cloud Map
// registry mappings and the cluster's discovery table) and maps a Cloud Map registry
// ARN to a name (POST DiscoveryMapping).
const DiscoveryPath = "/_ecsmini/discovery"

// DiscoveryMapping names the tasks of a Cloud Map service; an empty Name removes the
// mapping.
type DiscoveryMapping struct {
	RegistryArn string `json:"registryArn"`
	Name        string `json:"name"`
}

// Discovery is what GET DiscoveryPath answers.
type Discovery struct {
	// Registries are the registry ARN → name mappings (the others follow the naming rule).
	Registries map[string]string `json:"registries"`
	// Cluster and Table are the cluster asked about and its discovery table.
	Cluster string          `json:"cluster"`
	Table   discovery.Table `json:"table"`
}

func discoveryHandler(emu *emulator.Emulator) http.Handler {
	return jsonHandler(true, func(_ context.Context, in *DiscoveryMapping, r *http.Request) (Discovery, error) {
		if r.Method == http.MethodPost {
			if err := emu.MapRegistry(in.RegistryArn, in.Name); err != nil {
				return Discovery{}, ecs.InvalidParameter("%s", err.Error())
			}
		}
		cluster := r.URL.Query().Get("cluster")
		if cluster == "" {
			cluster = "default"
		}
		if !strings.HasPrefix(cluster, "arn:") {
			cluster = ecs.Scope{Region: emu.Region(), Account: emu.AccountID()}.ClusterARN(cluster)
		}
		return Discovery{Registries: emu.RegistryMappings(), Cluster: cluster, Table: emu.Table(cluster)}, nil
	})
}

// Discovery shows the registry mappings and the names of cluster (a name or ARN).
func (c *Client) Discovery(ctx context.Context, cluster string) (Discovery, error) {
	var out Discovery
	err := c.do(ctx, "discovery", http.MethodGet, DiscoveryPath+"?cluster="+url.QueryEscape(cluster), nil, &out)
	return out, err
}

// MapRegistry names the tasks of a Cloud Map service (an empty name removes the mapping).
func (c *Client) MapRegistry(ctx context.Context, in DiscoveryMapping) error {
	return c.do(ctx, DiscoveryPath, http.MethodPost, DiscoveryPath, in, nil)
}
