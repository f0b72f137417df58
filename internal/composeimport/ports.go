package composeimport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ports maps ports and expose to portMappings. A published port ("8080:80") becomes a
// target group of the service whose local load balancer listens on the host port, so
// that localhost:8080 reaches the service as under compose (and spreads connections
// over its replicas, which compose cannot publish on one port).
func (c *serviceConverter) ports() {
	seen := map[string]bool{}
	add := func(port int, proto string) {
		k := fmt.Sprintf("%d/%s", port, proto)
		if seen[k] {
			return
		}
		seen[k] = true
		pm := ecs.PortMapping{ContainerPort: ecs.Ptr(port), Protocol: ecs.Ptr(proto)}
		c.cd.PortMappings = append(c.cd.PortMappings, pm)
	}
	c.cd.PortMappings = []ecs.PortMapping{}
	for _, p := range c.s.Ports {
		proto := strings.ToLower(p.Protocol)
		if proto == "" {
			proto = "tcp"
		}
		add(int(p.Target), proto)
		key := fmt.Sprintf("ports[%d:%d]", p.Target, p.Target)
		if p.Published != "" {
			key = fmt.Sprintf("ports[%s:%d]", p.Published, p.Target)
		}
		c.portNames(key, p.Name, p.AppProtocol, int(p.Target), proto)
		if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "127.0.0.1" {
			c.warn(key+".host_ip", "load balancers listen on 127.0.0.1; %s ignored", p.HostIP)
		}
		if p.Mode == "host" {
			c.warn(key+".mode", "host mode publishing is not supported; published through the load balancer")
		}
		if proto != "tcp" {
			c.warn(key, "only TCP ports are published (the local load balancer is TCP); %s is reachable from the cluster only", proto)
			continue
		}
		host := 0
		if p.Published != "" {
			n, err := strconv.Atoi(p.Published)
			if err != nil {
				c.warn(key, "published port range %q is not supported; reachable from the cluster only", p.Published)
				continue
			}
			host = n
		}
		if len(c.out.Ports) == 5 {
			c.warn(key, "an ECS service has at most 5 target groups; not published")
			continue
		}
		name := targetGroupName(c.p.Name, c.s.Name, int(p.Target))
		c.out.Ports = append(c.out.Ports, PublishedPort{HostPort: host, ContainerPort: int(p.Target),
			TargetGroupName: name, TargetGroupArn: c.targetGroupArn(name)})
	}
	for _, e := range c.s.Expose {
		port, proto, _ := strings.Cut(e, "/")
		if proto == "" {
			proto = "tcp"
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			c.warn("expose", "port range %q is not supported; ignored", e)
			continue
		}
		add(n, proto)
	}
}

// targetGroupName is <project>-<service>-<port>, within ELB's 32 characters (cut
// names end with a hash, so that two long names do not collide).
func targetGroupName(project, service string, port int) string {
	name := strings.Trim(tgChars(project+"-"+service), "-")
	suffix := "-" + strconv.Itoa(port)
	if len(name)+len(suffix) <= 32 {
		return name + suffix
	}
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:])[:6]
	return strings.TrimRight(name[:32-len(suffix)-7], "-") + "-" + h + suffix
}

func tgChars(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// targetGroupArn is a stable ARN for the target group (ELB's id is 16 hex digits).
func (c *serviceConverter) targetGroupArn(name string) string {
	sum := sha256.Sum256([]byte(c.p.Name + "/" + name))
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s", c.o.Region, c.o.AccountID, name, hex.EncodeToString(sum[:])[:16])
}

// portNames carries a port's name and app_protocol (http, http2, grpc: ECS's
// appProtocol values) to its port mapping.
func (c *serviceConverter) portNames(key, name, appProtocol string, port int, proto string) {
	for i := range c.cd.PortMappings {
		pm := &c.cd.PortMappings[i]
		if ecs.Deref(pm.ContainerPort) != port || ecs.Deref(pm.Protocol) != proto {
			continue
		}
		if name != "" {
			pm.Name = ecs.Ptr(name)
		}
		switch appProtocol {
		case "":
		case "http", "http2", "grpc":
			pm.AppProtocol = ecs.Ptr(appProtocol)
		default:
			c.warn(key+".app_protocol", "ECS knows http, http2 and grpc, not %s; ignored", appProtocol)
		}
	}
}
