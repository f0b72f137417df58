package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// EnsureNetwork returns the bridge network named spec.Name, creating it when absent.
// Networks are looked up by exact name: the engine's name filter matches substrings,
// and inspecting by name also accepts ID prefixes. Two concurrent creations of the
// same name are serialised in this process, and the engine's duplicate check catches
// other processes (the loser re-reads the winner's network).
func (e *Engine) EnsureNetwork(ctx context.Context, spec containers.NetworkSpec) (containers.Network, error) {
	e.netMu.Lock()
	defer e.netMu.Unlock()
	if n, err := e.findNetwork(ctx, spec.Name); err == nil || !errors.Is(err, containers.ErrNotFound) {
		return n, err
	}
	_, err := e.cli.NetworkCreate(ctx, spec.Name, network.CreateOptions{
		Driver:   "bridge",
		Labels:   copyMap(spec.Labels),
		Internal: spec.Internal,
	})
	if err != nil {
		err = wrapErr("create network "+spec.Name, err, false)
		if !errors.Is(err, containers.ErrConflict) {
			return containers.Network{}, err
		}
	}
	return e.findNetwork(ctx, spec.Name)
}

func (e *Engine) findNetwork(ctx context.Context, name string) (containers.Network, error) {
	list, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", name))})
	if err != nil {
		return containers.Network{}, wrapErr("list networks", err, false)
	}
	for _, n := range list {
		if n.Name != name {
			continue
		}
		// The list omits IPAM details on some engines; inspect gives them.
		in, err := e.cli.NetworkInspect(ctx, n.ID, network.InspectOptions{})
		if err != nil {
			return containers.Network{}, wrapErr("inspect network "+name, err, false)
		}
		return toNetwork(in), nil
	}
	return containers.Network{}, fmt.Errorf("network %s: %w", name, containers.ErrNotFound)
}

// toNetwork reports the network's first IPv4 pool (the engine allocates one per
// bridge network) as its subnet and gateway.
func toNetwork(in network.Inspect) containers.Network {
	n := containers.Network{ID: in.ID, Name: in.Name}
	for _, c := range in.IPAM.Config {
		if c.Subnet != "" {
			n.Subnet, n.Gateway = c.Subnet, c.Gateway
			break
		}
	}
	if n.Gateway == "" {
		n.Gateway = firstHost(n.Subnet)
	}
	return n
}

// firstHost is the first host address of a CIDR, where Docker puts a bridge's gateway.
// Some engines (20.10) report the default bridge's subnet without its gateway.
func firstHost(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return ""
	}
	return p.Masked().Addr().Next().String()
}

// RemoveNetwork removes the network; an absent one is not an error. It disconnects
// nothing: callers remove the network's containers first, and a network still in use
// is an error that says so.
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	err := wrapErr("remove network "+name, e.cli.NetworkRemove(ctx, name), false)
	if errors.Is(err, containers.ErrNotFound) {
		return nil
	}
	return err
}
