package sim

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// network is a simulated network with a sequential address allocator.
type network struct {
	id, name string
	labels   map[string]string
	internal bool
	builtin  bool
	index    int          // which of the user subnets it holds; -1 for builtins
	prefix   netip.Prefix // invalid for host and none
	next     uint32       // offset of the next address to try
	used     map[uint32]bool
}

// maxUserNetworks is the number of user subnets: 172.18–172.31 then 10.0–10.255.
const maxUserNetworks = 14 + 256

func userSubnet(i int) netip.Prefix {
	if i < 14 {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(18 + i), 0, 0}), 16)
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i - 14), 0, 0}), 16)
}

func (r *Runtime) addBuiltinNetworks() {
	bridge := netip.MustParsePrefix("172.17.0.0/16")
	for _, n := range []*network{
		{name: "bridge", prefix: bridge},
		{name: "host"},
		{name: "none"},
	} {
		n.id, n.builtin, n.index, n.next, n.used = r.newID("network", n.name), true, -1, 2, map[uint32]bool{}
		r.networks[n.name] = n
	}
}

func (n *network) info() containers.Network {
	nw := containers.Network{ID: n.id, Name: n.name}
	if n.prefix.IsValid() {
		nw.Subnet = n.prefix.String()
		nw.Gateway = offsetAddr(n.prefix, 1).String()
	}
	return nw
}

func toU32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func offsetAddr(p netip.Prefix, off uint32) netip.Addr {
	v := toU32(p.Addr()) + off
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// allocate gives the next free address after the last one given (cycling), skipping the
// network address, the gateway (.1) and broadcast.
func (n *network) allocate() (string, error) {
	size := uint32(1) << (32 - n.prefix.Bits())
	for range size {
		off := n.next
		n.next++
		if n.next >= size-1 {
			n.next = 2
		}
		if off >= 2 && off < size-1 && !n.used[off] {
			n.used[off] = true
			return offsetAddr(n.prefix, off).String(), nil
		}
	}
	return "", fmt.Errorf("network %s: no free address in %s: %w", n.name, n.prefix, containers.ErrConflict)
}

func (n *network) release(addr string) {
	a, err := netip.ParseAddr(addr)
	if err != nil || !n.prefix.Contains(a) {
		return
	}
	delete(n.used, toU32(a)-toU32(n.prefix.Addr()))
}

// EnsureNetwork returns the network of that name, creating it with the lowest free user
// subnet when absent.
func (r *Runtime) EnsureNetwork(ctx context.Context, spec containers.NetworkSpec) (containers.Network, error) {
	if err := ctx.Err(); err != nil {
		return containers.Network{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.networks[spec.Name]; ok {
		return n.info(), nil
	}
	if spec.Name == "" {
		return containers.Network{}, fmt.Errorf("sim: create network: empty name: %w", containers.ErrConflict)
	}
	taken := map[int]bool{}
	for _, n := range r.networks {
		taken[n.index] = true
	}
	for i := range maxUserNetworks {
		if taken[i] {
			continue
		}
		n := &network{id: r.newID("network", spec.Name), name: spec.Name, labels: maps.Clone(spec.Labels),
			internal: spec.Internal, index: i, prefix: userSubnet(i), next: 2, used: map[uint32]bool{}}
		r.networks[n.name] = n
		return n.info(), nil
	}
	return containers.Network{}, fmt.Errorf("sim: create network %s: all %d subnets in use: %w", spec.Name, maxUserNetworks, containers.ErrConflict)
}

// RemoveNetwork removes a user network no running container is on; an absent network is
// not an error.
func (r *Runtime) RemoveNetwork(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n, ok := r.networks[name]
	if !ok {
		return nil
	}
	if n.builtin {
		return fmt.Errorf("sim: remove network %s: predefined network: %w", name, containers.ErrConflict)
	}
	if len(n.used) > 0 {
		return fmt.Errorf("sim: remove network %s: %d containers attached: %w", name, len(n.used), containers.ErrConflict)
	}
	delete(r.networks, name)
	return nil
}

// networkOf names the network a spec's NetworkMode joins ("" for none, host and shared
// namespaces) and the container whose namespace it shares.
func networkOf(mode string) (name, shared string) {
	switch {
	case mode == "" || mode == "default":
		return "bridge", ""
	case mode == "host" || mode == "none":
		return "", ""
	case strings.HasPrefix(mode, "container:"):
		return "", strings.TrimPrefix(mode, "container:")
	}
	return mode, ""
}

// checkNetworkMode refuses at Create what Docker refuses there: ports, a hostname, DNS
// servers or extra hosts on a container that joins another's namespace. The container whose
// namespace a container:<id> mode shares is not looked up: Docker resolves it at
// Start (see attach), so a container created to join a removed one fails to start,
// not to be created. Callers hold r.mu.
func (r *Runtime) checkNetworkMode(spec containers.Spec) error {
	name, shared := networkOf(spec.NetworkMode)
	if shared != "" {
		switch {
		case len(spec.Ports) > 0:
			return fmt.Errorf("port publishing with network mode %s: %w", spec.NetworkMode, containers.ErrConflict)
		case spec.Hostname != "":
			return fmt.Errorf("hostname with network mode %s: %w", spec.NetworkMode, containers.ErrConflict)
		case len(spec.DNS) > 0:
			return fmt.Errorf("dns with network mode %s: %w", spec.NetworkMode, containers.ErrConflict)
		case len(spec.ExtraHosts) > 0:
			return fmt.Errorf("custom host-to-IP mapping with network mode %s: %w", spec.NetworkMode, containers.ErrConflict)
		}
		return nil
	}
	if _, ok := r.networks[name]; name != "" && !ok {
		return fmt.Errorf("network %s: %w", name, containers.ErrNotFound)
	}
	return nil
}
