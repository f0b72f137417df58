package workload

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// Lookup resolves name to IPv4 addresses the way a program in the container does, with
// the resolver configured in /etc/resolv.conf. It is `ecsmini workload lookup`, since a
// scratch image has no nslookup:
//
//	["/ecsmini", "workload", "lookup", "api"]
func Lookup(ctx context.Context, name string, timeout time.Duration) ([]netip.Addr, error) {
	if timeout <= 0 {
		return nil, fmt.Errorf("lookup: timeout must be positive, not %v", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := &net.Resolver{PreferGo: true}
	ips, err := r.LookupNetIP(ctx, "ip4", name)
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return ips, nil
}
