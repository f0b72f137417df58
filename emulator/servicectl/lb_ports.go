package servicectl

import (
	"maps"
	"net"
	"strconv"
)

// PinLoadBalancerPort fixes the host port of a target group's local load balancer, as
// `up --lb-port` does at start-up, for a balancer that is not running yet: `ecsmini
// import` of a compose file into a running ecsmini uses it so that a published port
// ("8080:80") answers on localhost:8080, as under compose. A port pinned at start-up
// (by ARN or name) wins, and a running balancer is not moved. It reports whether the
// target group's balancer is, or will be, on port.
func (ctl *Ctl) PinLoadBalancerPort(targetGroupArn string, port int) bool {
	l := &ctl.lbs
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, running := l.byTG[targetGroupArn]; running {
		_, p, err := net.SplitHostPort(b.Addr())
		return err == nil && p == strconv.Itoa(port)
	}
	if p, ok := l.cfg.Ports[targetGroupArn]; ok {
		return p == port
	}
	if p, ok := l.cfg.Ports[targetGroupName(targetGroupArn)]; ok {
		return p == port
	}
	ports := maps.Clone(l.cfg.Ports)
	if ports == nil {
		ports = map[string]int{}
	}
	ports[targetGroupArn] = port
	l.cfg.Ports = ports
	return true
}

// LoadBalancerPort is the localhost port of a target group's local load balancer: the
// one it listens on, else the one it will take when it starts (pinned, or the stable
// port derived from the ARN), so that an Express service's endpoint is known as soon
// as the service is created.
func (ctl *Ctl) LoadBalancerPort(targetGroupArn string) int {
	l := &ctl.lbs
	l.mu.Lock()
	defer l.mu.Unlock()
	addr := l.addresses(targetGroupArn)[0]
	if b, running := l.byTG[targetGroupArn]; running {
		addr = b.Addr()
	}
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 0
	}
	return n
}
