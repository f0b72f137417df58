package sim

import (
	"fmt"
	"maps"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// The ephemeral range Docker (and ECS's bridge mode) give dynamic host ports from.
const (
	firstEphemeral = 49153
	lastEphemeral  = 65535
)

type portKey struct {
	proto string
	port  int
}

// portPool hands out host ports. Ports are held per protocol regardless of host IP, the
// conservative choice: on a real host 0.0.0.0:P and 127.0.0.1:P collide.
type portPool struct {
	used map[portKey]bool
	next int // next ephemeral port to try, so ports are not reused at once
}

func newPortPool() portPool { return portPool{used: map[portKey]bool{}, next: firstEphemeral} }

// reserve resolves and holds every binding, or none of them.
func (p *portPool) reserve(bindings []containers.PortBinding) ([]containers.PortBinding, error) {
	out := make([]containers.PortBinding, 0, len(bindings))
	held := make([]portKey, 0, len(bindings))
	undo := func() {
		for _, k := range held {
			delete(p.used, k)
		}
	}
	for _, b := range bindings {
		if b.Protocol == "" {
			b.Protocol = "tcp"
		}
		if b.HostIP == "" {
			b.HostIP = "0.0.0.0"
		}
		if b.HostPort == 0 {
			port, ok := p.free(b.Protocol)
			if !ok {
				undo()
				return nil, fmt.Errorf("no free host port in %d-%d: %w", firstEphemeral, lastEphemeral, containers.ErrConflict)
			}
			b.HostPort = port
		}
		k := portKey{b.Protocol, b.HostPort}
		if p.used[k] {
			undo()
			return nil, fmt.Errorf("bind for %s:%d/%s failed: port is already allocated: %w", b.HostIP, b.HostPort, b.Protocol, containers.ErrConflict)
		}
		p.used[k] = true
		held = append(held, k)
		out = append(out, b)
	}
	return out, nil
}

func (p *portPool) free(proto string) (int, bool) {
	for range lastEphemeral - firstEphemeral + 1 {
		port := p.next
		p.next++
		if p.next > lastEphemeral {
			p.next = firstEphemeral
		}
		if !p.used[portKey{proto, port}] {
			return port, true
		}
	}
	return 0, false
}

func (p *portPool) release(bindings []containers.PortBinding) {
	for _, b := range bindings {
		delete(p.used, portKey{b.Protocol, b.HostPort})
	}
}

// attach reserves a starting container's host ports and network address, all or
// nothing. Callers hold r.mu.
func (r *Runtime) attach(c *container) error {
	name, shared := networkOf(c.spec.NetworkMode)
	var ips map[string]string
	switch {
	case shared != "":
		other, err := r.lookup(shared)
		if err != nil {
			return err
		}
		if other.status != containers.Running {
			return fmt.Errorf("cannot join the network of %s: not running: %w", shared, containers.ErrConflict)
		}
		ips = maps.Clone(other.ips)
	case name != "":
		n, ok := r.networks[name]
		if !ok {
			return fmt.Errorf("network %s: %w", name, containers.ErrNotFound)
		}
		ip, err := n.allocate()
		if err != nil {
			return err
		}
		ips = map[string]string{name: ip}
	}
	var ports []containers.PortBinding
	if name != "" && name != "host" {
		var err error
		if ports, err = r.ports.reserve(c.spec.Ports); err != nil {
			r.releaseIPs(c.spec.NetworkMode, ips)
			return err
		}
	}
	c.ports, c.ips = ports, ips
	return nil
}

// detach releases what attach reserved. Callers hold r.mu.
func (r *Runtime) detach(c *container) {
	r.ports.release(c.ports)
	r.releaseIPs(c.spec.NetworkMode, c.ips)
	c.ports, c.ips = nil, nil
}

// releaseIPs frees addresses a container owns; a shared namespace owns none.
func (r *Runtime) releaseIPs(mode string, ips map[string]string) {
	if _, shared := networkOf(mode); shared != "" {
		return
	}
	for name, ip := range ips {
		if n, ok := r.networks[name]; ok {
			n.release(ip)
		}
	}
}
