package dockerrt

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// toState maps an inspect response onto a State. It is pure (table-tested); a response
// missing parts (as a half-removed container can be) yields the zero values for them.
func toState(in container.InspectResponse) containers.State {
	var st containers.State
	if b := in.ContainerJSONBase; b != nil {
		st.ID = b.ID
		st.Name = strings.TrimPrefix(b.Name, "/")
		st.ImageID = b.Image
		st.CreatedAt = parseTime(b.Created)
		if s := b.State; s != nil {
			st.Status = toStatus(s.Status)
			st.ExitCode = s.ExitCode
			st.OOMKilled = s.OOMKilled
			st.Error = s.Error
			st.StartedAt = parseTime(s.StartedAt)
			st.FinishedAt = parseTime(s.FinishedAt)
			if s.Health != nil {
				st.Health = toHealthStatus(string(s.Health.Status))
			}
		}
	}
	if in.Config != nil {
		st.Image = in.Config.Image
		st.Labels = copyMap(in.Config.Labels)
	}
	if ns := in.NetworkSettings; ns != nil {
		st.Ports = fromPortMap(ns.Ports)
		for name, ep := range ns.Networks {
			if ep == nil || ep.IPAddress == "" {
				continue
			}
			if st.IPAddresses == nil {
				st.IPAddresses = map[string]string{}
			}
			st.IPAddresses[name] = ep.IPAddress
		}
	}
	if len(st.Ports) == 0 && in.ContainerJSONBase != nil && in.HostConfig != nil {
		// Not running: the engine reports no live bindings, so report the requested
		// ones (HostPort 0 where the engine is to choose).
		st.Ports = fromPortMap(in.HostConfig.PortBindings)
	}
	return st
}

// toStatus folds Docker's seven states into the port's three. Paused and restarting
// containers still exist as processes, so they count as running; removing and dead
// ones have no process any more.
func toStatus(s container.ContainerState) containers.Status {
	switch s {
	case container.StateCreated:
		return containers.Created
	case container.StateRunning, container.StatePaused, container.StateRestarting:
		return containers.Running
	}
	return containers.Exited
}

func toHealthStatus(s string) containers.Health {
	switch s {
	case container.Starting:
		return containers.HealthStarting
	case container.Healthy:
		return containers.HealthHealthy
	case container.Unhealthy:
		return containers.HealthUnhealthy
	}
	return containers.HealthNone
}

// parseTime reads Docker's RFC 3339 timestamps; Docker writes the zero time
// (0001-01-01T00:00:00Z) for "never", which stays the zero time.Time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.IsZero() {
		return time.Time{}
	}
	return t
}

// fromPortMap flattens a port map, sorted by container port, protocol and host port so
// Inspect is deterministic.
func fromPortMap(pm nat.PortMap) []containers.PortBinding {
	var out []containers.PortBinding
	for port, bindings := range pm {
		for _, b := range bindings {
			hostPort, _ := strconv.Atoi(b.HostPort) // "" (engine to choose) is 0
			out = append(out, containers.PortBinding{
				ContainerPort: port.Int(),
				Protocol:      port.Proto(),
				HostIP:        b.HostIP,
				HostPort:      hostPort,
			})
		}
	}
	slices.SortFunc(out, func(a, b containers.PortBinding) int {
		return cmp.Or(
			cmp.Compare(a.ContainerPort, b.ContainerPort),
			cmp.Compare(a.Protocol, b.Protocol),
			cmp.Compare(a.HostIP, b.HostIP),
			cmp.Compare(a.HostPort, b.HostPort),
		)
	})
	return out
}
