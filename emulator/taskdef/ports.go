package taskdef

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const (
	maxPort       = 65535
	protocolTCP   = "tcp"
	maxPortRanges = 100 // containerPortRange entries per container (spec §5.2)
)

// portRange is an inclusive span of container ports for one protocol.
type portRange struct {
	first, last int
	protocol    string
}

// checkPortMappings applies spec §5.2. Host ports must equal container ports when the
// container shares the task ENI (awsvpc) or the host's stack (host); bridge maps freely.
func (c *checker) checkPortMappings(cd *ecs.ContainerDefinition, name string) {
	if len(cd.PortMappings) > 0 && c.mode == ecs.NetworkNone {
		c.p.add(containerInvalid(name, "Port mappings are not supported when networkMode=none."))
		return
	}
	var used []portRange
	ranges := 0
	for _, pm := range cd.PortMappings {
		proto := ecs.Deref(pm.Protocol)
		if pm.Protocol == nil {
			proto = protocolTCP
		} else if !ecs.EnumTransportProtocol.Has(proto) {
			c.p.add(containerInvalid(name, "%s", invalidValue("protocol", proto, ecs.EnumTransportProtocol.Values...)))
		}
		// The model spells appProtocol in lower case (http, http2, grpc), as the AWS
		// docs' Service Connect examples and compose's app_protocol do.
		if ap := pm.AppProtocol; ap != nil && !ecs.EnumApplicationProtocol.Has(*ap) {
			c.p.add(containerInvalid(name, "%s", invalidValue("appProtocol", *ap, ecs.EnumApplicationProtocol.Values...)))
		}
		if hp := ecs.Deref(pm.HostPort); hp < 0 || hp > maxPort {
			c.p.add(containerInvalid(name, "Invalid 'hostPort' setting."))
		}
		var r portRange
		if pm.ContainerPortRange != nil {
			ranges++
			var ok bool
			if r, ok = c.checkPortRange(pm, name); !ok {
				continue
			}
		} else {
			cp := ecs.Deref(pm.ContainerPort)
			if cp < 1 || cp > maxPort {
				c.p.add(fmt.Sprintf(msgContainerPort, name))
				continue
			}
			if hp := ecs.Deref(pm.HostPort); hp != 0 && hp != cp {
				switch c.mode {
				case ecs.NetworkAwsvpc:
					c.p.add(msgAwsvpcPorts)
				case ecs.NetworkHost:
					c.p.add(msgHostPorts)
				}
			}
			r = portRange{first: cp, last: cp}
		}
		r.protocol = proto
		for _, u := range used {
			if u.protocol == r.protocol && r.first <= u.last && u.first <= r.last {
				c.p.add(containerInvalid(name, "Container port %d/%s is in more than one port mapping.", max(r.first, u.first), proto))
			}
		}
		used = append(used, r)
	}
	if ranges > maxPortRanges {
		c.p.add(containerInvalid(name, "Too many containerPortRange entries (maximum %d).", maxPortRanges))
	}
}

// checkPortRange validates a "first-last" containerPortRange mapping.
func (c *checker) checkPortRange(pm ecs.PortMapping, name string) (portRange, bool) {
	ok := true
	if pm.ContainerPort != nil {
		c.p.add(containerInvalid(name, "containerPort and containerPortRange cannot both be specified."))
		ok = false
	}
	if pm.HostPort != nil {
		c.p.add(containerInvalid(name, "hostPort cannot be specified with containerPortRange."))
		ok = false
	}
	if c.mode != ecs.NetworkBridge && c.mode != ecs.NetworkAwsvpc {
		c.p.add(containerInvalid(name, "containerPortRange is only supported when networkMode is bridge or awsvpc."))
		ok = false
	}
	r, valid := parsePortRange(*pm.ContainerPortRange)
	if !valid {
		c.p.add(containerInvalid(name, "Invalid containerPortRange '%s'. Specify it as first-last, with 1 <= first < last <= 65535.", *pm.ContainerPortRange))
		ok = false
	}
	return r, ok
}

// parsePortRange reads "first-last" with 1 ≤ first < last ≤ 65535.
func parsePortRange(s string) (portRange, bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return portRange{}, false
	}
	first, err1 := strconv.Atoi(a)
	last, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || first < 1 || last > maxPort || first >= last {
		return portRange{}, false
	}
	return portRange{first: first, last: last}, true
}

// checkPortNames rejects a Service Connect port name used twice in the task.
func (c *checker) checkPortNames() {
	seen := map[string]bool{}
	for _, cd := range c.in.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			n := ecs.Deref(pm.Name)
			if n == "" {
				continue
			}
			if seen[n] {
				c.p.add(msgPortNameUsed)
			}
			seen[n] = true
		}
	}
}
