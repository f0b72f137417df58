package dockerrt

import (
	"context"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
)

// NetworksWithLabels lists the names of networks carrying all the labels, for reaping
// (`ecsmini down` removes the networks an ecsmini created). It is not on the runtime
// port: only cleanup needs it.
func (e *Engine) NetworksWithLabels(ctx context.Context, labels map[string]string) ([]string, error) {
	args := filters.NewArgs()
	for k, v := range labels {
		args.Add("label", k+"="+v)
	}
	list, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: args})
	if err != nil {
		return nil, wrapErr("list networks", err, false)
	}
	names := make([]string, 0, len(list))
	for _, n := range list {
		names = append(names, n.Name)
	}
	return names, nil
}
