package agent

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// MaxPortBindings caps the bindings one container's portMappings expand to. Docker
// publishes every port of a containerPortRange separately (one proxy each), so a range
// of thousands of ports would make container creation crawl; ecsmini refuses such a
// container with a clear error rather than hang.
const MaxPortBindings = 1024

// PortBindings are the ports to publish for a container definition in a task network
// mode, all on hostIP:
//   - awsvpc: host port 0 (the engine picks a free one), so three tasks of one definition
//     on port 80 coexist on the laptop; each task's own address still serves port 80.
//   - bridge ("" too): hostPort as given, 0 or absent for a dynamic port, as on ECS.
//   - host and none: nothing (the container uses the host's ports, or has none).
//
// A containerPortRange ("8000-8100") expands to one dynamic binding per port. Protocol
// defaults to tcp.
//
// For awsvpc the bindings belong on the task's pause container, because Docker refuses
// to publish ports from a container that joins another's network namespace: the caller
// publishes the union of its containers' bindings there.
func PortBindings(cd *ecs.ContainerDefinition, taskNetworkMode, hostIP string) ([]containers.PortBinding, error) {
	switch taskNetworkMode {
	case ecs.NetworkHost, ecs.NetworkNone:
		return nil, nil
	case ecs.NetworkAwsvpc, ecs.NetworkBridge, "":
	default:
		return nil, fmt.Errorf("network mode %q is not awsvpc, bridge, host or none", taskNetworkMode)
	}
	var out []containers.PortBinding
	for _, pm := range cd.PortMappings {
		proto := strings.ToLower(ecs.Deref(pm.Protocol))
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" {
			return nil, fmt.Errorf("portMappings: protocol %q is not tcp or udp", ecs.Deref(pm.Protocol))
		}
		first, last, err := mappedPorts(pm)
		if err != nil {
			return nil, fmt.Errorf("portMappings: %w", err)
		}
		if len(out)+last-first+1 > MaxPortBindings {
			return nil, fmt.Errorf("portMappings: more than %d ports; ecsmini publishes each port of a range separately", MaxPortBindings)
		}
		hostPort := 0
		if taskNetworkMode != ecs.NetworkAwsvpc && pm.ContainerPortRange == nil {
			hostPort = ecs.Deref(pm.HostPort)
		}
		for port := first; port <= last; port++ {
			out = append(out, containers.PortBinding{ContainerPort: port, Protocol: proto, HostIP: hostIP, HostPort: hostPort})
		}
	}
	return out, nil
}

// mappedPorts is the container port, or the range, of one mapping.
func mappedPorts(pm ecs.PortMapping) (first, last int, err error) {
	switch {
	case pm.ContainerPort != nil && pm.ContainerPortRange != nil:
		return 0, 0, errors.New("containerPort and containerPortRange are both set")
	case pm.ContainerPort != nil:
		first, last = *pm.ContainerPort, *pm.ContainerPort
	case pm.ContainerPortRange != nil:
		lo, hi, ok := strings.Cut(*pm.ContainerPortRange, "-")
		first, err = strconv.Atoi(strings.TrimSpace(lo))
		if err == nil {
			last, err = strconv.Atoi(strings.TrimSpace(hi))
		}
		if !ok || err != nil || first >= last {
			return 0, 0, fmt.Errorf("containerPortRange %q is not first-last with first < last", *pm.ContainerPortRange)
		}
	default:
		return 0, 0, errors.New("a mapping has neither containerPort nor containerPortRange")
	}
	if first < 1 || last > 65535 {
		return 0, 0, fmt.Errorf("port %d-%d is outside 1-65535", first, last)
	}
	if h := ecs.Deref(pm.HostPort); h < 0 || h > 65535 {
		return 0, 0, fmt.Errorf("hostPort %d is outside 0-65535", h)
	}
	return first, last, nil
}

// setPorts publishes the container's ports, except when the container joins another's
// network namespace (awsvpc), where PortBindings belong on the pause container. They
// are still computed there, so a bad mapping fails the same way in every mode.
func setPorts(in SpecInput, spec *containers.Spec) error {
	ports, err := PortBindings(in.Container, in.Task.NetworkMode, in.HostIP)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(spec.NetworkMode, "container:") {
		spec.Ports = ports
	}
	return nil
}

// ECS's health check defaults, for fields the definition leaves out.
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 5 * time.Second
	DefaultHealthRetries  = 3
)

// setHealth maps healthCheck onto Docker's. ECS passes a command starting with CMD or
// CMD-SHELL as is and runs any other command as CMD (exec form); NONE is Docker's "no
// check" and kept too.
func setHealth(in SpecInput, spec *containers.Spec) error {
	h := in.Container.HealthCheck
	if h == nil {
		return nil
	}
	test := slices.Clone(h.Command)
	if len(test) > 0 {
		switch test[0] {
		case "CMD", "CMD-SHELL", "NONE":
		default:
			test = append([]string{"CMD"}, test...)
		}
	}
	if len(test) < 2 && (len(test) == 0 || test[0] != "NONE") {
		return errors.New("healthCheck: command is empty")
	}
	seconds := func(p *int, def time.Duration) time.Duration {
		if p == nil {
			return def
		}
		return time.Duration(*p) * time.Second
	}
	spec.Health = &containers.HealthCheck{
		Test:        test,
		Interval:    seconds(h.Interval, DefaultHealthInterval),
		Timeout:     seconds(h.Timeout, DefaultHealthTimeout),
		StartPeriod: seconds(h.StartPeriod, 0),
		Retries:     DefaultHealthRetries,
	}
	if h.Retries != nil {
		spec.Health.Retries = *h.Retries
	}
	return nil
}

// Stop timeouts: ECS's default (Fargate, and the EC2 agent's ECS_CONTAINER_STOP_TIMEOUT
// default) and Fargate's maximum.
const (
	DefaultStopTimeout    = 30 * time.Second
	MaxFargateStopTimeout = 120 * time.Second
)

// StopTimeout is how long a stopping container gets between SIGTERM and SIGKILL:
// stopTimeout when set (Fargate caps it at 120 s), else 30 s. It is not part of a Spec
// because the runtime takes it on Stop, as docker stop -t does.
func StopTimeout(cd *ecs.ContainerDefinition, launchType string) time.Duration {
	if cd == nil || cd.StopTimeout == nil || *cd.StopTimeout <= 0 {
		return DefaultStopTimeout
	}
	d := time.Duration(*cd.StopTimeout) * time.Second
	if launchType == ecs.LaunchFargate && d > MaxFargateStopTimeout {
		return MaxFargateStopTimeout
	}
	return d
}
