package agent

import (
	"net/netip"
	"testing"
)

func TestInstanceHostIP(t *testing.T) {
	seen := map[string]bool{}
	for _, arn := range []string{
		"arn:aws:ecs:us-east-1:000000000000:container-instance/c/a", "arn:aws:ecs:us-east-1:000000000000:container-instance/c/b",
		"arn:aws:ecs:us-east-1:000000000000:container-instance/d/a", "arn:aws:ecs:eu-west-1:000000000000:container-instance/c/a",
	} {
		ip := InstanceHostIP(arn)
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.IsLoopback() || !netip.MustParsePrefix("127.64.0.0/10").Contains(a) || a == netip.MustParseAddr("127.0.0.1") {
			t.Errorf("%s → %q, want an address in 127.64.0.0/10", arn, ip)
		}
		if last := a.As4()[3]; last == 0 || last == 255 {
			t.Errorf("%s → %s ends in %d", arn, ip, last)
		}
		if InstanceHostIP(arn) != ip {
			t.Errorf("%s: not stable", arn)
		}
		if seen[ip] {
			t.Errorf("%s → %s, already given to another instance", arn, ip)
		}
		seen[ip] = true
	}
}
