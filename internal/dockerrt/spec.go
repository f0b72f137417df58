package dockerrt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/strslice"
	"github.com/docker/go-connections/nat"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// loopback is where ecsmini publishes ports when a spec names no host IP: it only ever
// serves the developer's own machine, never the LAN, whatever the task definition says.
const loopback = "127.0.0.1"

// minCPUShares is the kernel's smallest CPU weight; Docker rejects 1 and reads 0 as
// "default" (1024), so the ECS agent raises any positive value below 2 to 2, as we do.
const minCPUShares = 2

// createConfig is the three halves of a Docker container-create request.
type createConfig struct {
	config     *container.Config
	host       *container.HostConfig
	networking *network.NetworkingConfig
}

// toCreateConfig maps a Spec onto Docker's create request. It is pure, so every field
// mapping is checked by table tests without an engine; the engine validates the rest
// (e.g. a hostname with a container: network mode) and its errors reach the caller.
func toCreateConfig(spec containers.Spec) (createConfig, error) {
	exposed, bindings, err := toPorts(spec.Ports)
	if err != nil {
		return createConfig{}, err
	}
	binds, mounts, err := toMounts(spec.Mounts)
	if err != nil {
		return createConfig{}, err
	}
	cfg := &container.Config{
		Image:        spec.Image,
		Labels:       copyMap(spec.Labels),
		Env:          spec.Env,
		WorkingDir:   spec.WorkingDir,
		User:         spec.User,
		Hostname:     spec.Hostname,
		StopSignal:   spec.StopSignal,
		ExposedPorts: exposed,
		Healthcheck:  toHealth(spec.Health),
	}
	if spec.Entrypoint != nil {
		cfg.Entrypoint = strslice.StrSlice(spec.Entrypoint)
	}
	if spec.Cmd != nil {
		cfg.Cmd = strslice.StrSlice(spec.Cmd)
	}
	host := &container.HostConfig{
		NetworkMode:    container.NetworkMode(spec.NetworkMode),
		PortBindings:   bindings,
		DNS:            spec.DNS,
		ExtraHosts:     spec.ExtraHosts,
		ReadonlyRootfs: spec.ReadonlyRootfs,
		Privileged:     spec.Privileged,
		CapAdd:         strslice.StrSlice(spec.CapAdd),
		CapDrop:        strslice.StrSlice(spec.CapDrop),
		Tmpfs:          spec.Tmpfs,
		ShmSize:        spec.ShmSize,
		Binds:          binds,
		Mounts:         mounts,
		VolumesFrom:    spec.VolumesFrom,
		Resources: container.Resources{
			Memory:            spec.MemoryLimit,
			MemoryReservation: spec.MemoryReservation,
			CPUShares:         spec.CPUShares,
			NanoCPUs:          spec.NanoCPUs,
		},
	}
	if spec.MemoryLimit > 0 {
		// No swap, as on Fargate: a container over its limit is OOM-killed (exit 137)
		// rather than slowed down by swapping, which is what ECS users expect to see.
		host.MemorySwap = spec.MemoryLimit
	}
	if spec.CPUShares > 0 && spec.CPUShares < minCPUShares {
		host.CPUShares = minCPUShares
	}
	if spec.Init {
		init := true
		host.Init = &init
	}
	for _, u := range spec.Ulimits {
		host.Ulimits = append(host.Ulimits, &container.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
	}
	var networking *network.NetworkingConfig
	if isNamedNetwork(spec.NetworkMode) {
		networking = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			spec.NetworkMode: {Aliases: spec.Aliases},
		}}
	}
	return createConfig{config: cfg, host: host, networking: networking}, nil
}

// isNamedNetwork tells a user-defined network (one EnsureNetwork made, where DNS
// aliases work) from Docker's built-in modes.
func isNamedNetwork(mode string) bool {
	switch mode {
	case "", "default", "bridge", "host", "none":
		return false
	}
	return !strings.HasPrefix(mode, "container:")
}

func toHealth(h *containers.HealthCheck) *container.HealthConfig {
	if h == nil {
		return nil
	}
	return &container.HealthConfig{
		Test:        h.Test,
		Interval:    h.Interval,
		Timeout:     h.Timeout,
		StartPeriod: h.StartPeriod,
		Retries:     h.Retries,
	}
}

// toPorts maps bindings to Docker's exposed-port set and port map. HostPort 0 leaves
// the host port empty, which makes the engine pick a free one.
func toPorts(ports []containers.PortBinding) (nat.PortSet, nat.PortMap, error) {
	if len(ports) == 0 {
		return nil, nil, nil
	}
	exposed := nat.PortSet{}
	bindings := nat.PortMap{}
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" {
			return nil, nil, fmt.Errorf("port %d: protocol %q is not tcp or udp", p.ContainerPort, p.Protocol)
		}
		if p.ContainerPort <= 0 || p.ContainerPort > 65535 || p.HostPort < 0 || p.HostPort > 65535 {
			return nil, nil, fmt.Errorf("port binding %d→%d is out of range", p.HostPort, p.ContainerPort)
		}
		port, err := nat.NewPort(proto, strconv.Itoa(p.ContainerPort))
		if err != nil {
			return nil, nil, fmt.Errorf("port %d/%s: %w", p.ContainerPort, proto, err)
		}
		hostIP := p.HostIP
		if hostIP == "" {
			hostIP = loopback
		}
		hostPort := ""
		if p.HostPort != 0 {
			hostPort = strconv.Itoa(p.HostPort)
		}
		exposed[port] = struct{}{}
		bindings[port] = append(bindings[port], nat.PortBinding{HostIP: hostIP, HostPort: hostPort})
	}
	return exposed, bindings, nil
}

// toMounts maps mounts to Docker's. A bind mount becomes a Binds entry
// ("source:target[:ro]", docker run -v), as the ECS agent passes host volumes: the
// engine then creates an absent source directory, as ECS documents for host.sourcePath,
// where a bind in Mounts fails with "bind source path does not exist". A source or
// target containing ':' cannot be written in that form and stays in Mounts.
func toMounts(ms []containers.Mount) (binds []string, out []mount.Mount, err error) {
	for _, m := range ms {
		dm := mount.Mount{Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly}
		switch m.Type {
		case "bind":
			if m.Source != "" && !strings.Contains(m.Source+m.Target, ":") {
				bind := m.Source + ":" + m.Target
				if m.ReadOnly {
					bind += ":ro"
				}
				binds = append(binds, bind)
				continue
			}
			dm.Type = mount.TypeBind
		case "volume":
			dm.Type = mount.TypeVolume
			if len(m.VolumeLabels) > 0 {
				// The engine creates an absent volume with these labels, so task
				// volumes are found (and reaped) by label like everything else.
				dm.VolumeOptions = &mount.VolumeOptions{Labels: copyMap(m.VolumeLabels)}
			}
		case "tmpfs":
			dm.Type = mount.TypeTmpfs
		default:
			return nil, nil, fmt.Errorf("mount %s: type %q is not bind, volume or tmpfs", m.Target, m.Type)
		}
		out = append(out, dm)
	}
	return binds, out, nil
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
