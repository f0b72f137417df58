package emulator

import "maps"

// PinLoadBalancerPort fixes the host port of a target group's local load balancer, as
// `up --lb-port` does at start-up, for a balancer that is not running yet: `ecsmini
// import` of a compose file into a running ecsmini uses it so that a published port
// ("8080:80") answers on localhost:8080, as under compose. A port pinned at start-up
// (by ARN or name) wins, and a running balancer is not moved; it reports whether the
// pin took effect.
func (e *Emulator) PinLoadBalancerPort(targetGroupArn string, port int) bool {
	l := &e.ctl.lbs
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, running := l.byTG[targetGroupArn]; running {
		return false
	}
	if _, ok := l.cfg.Ports[targetGroupArn]; ok {
		return false
	}
	if _, ok := l.cfg.Ports[targetGroupName(targetGroupArn)]; ok {
		return false
	}
	ports := maps.Clone(l.cfg.Ports)
	if ports == nil {
		ports = map[string]int{}
	}
	ports[targetGroupArn] = port
	l.cfg.Ports = ports
	return true
}
