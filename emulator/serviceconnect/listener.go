package serviceconnect

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"time"
)

// Listener is one client alias as a task's proxy serves it; it is the JSON the cluster's
// discovery table carries (discovery.Table.Proxies).
type Listener struct {
	// Name is the alias's DNS name (e.g. "api" or "api.demo.local").
	Name string `json:"name"`
	// Addr is where the proxy listens in the task: the alias's address and port.
	Addr string `json:"addr"`
	// AppProtocol is the port mapping's appProtocol: "" (TCP), "http", "http2" or "grpc".
	AppProtocol string `json:"appProtocol,omitempty"`
	// Endpoints are the addresses (ip:containerPort) of the server tasks that take
	// traffic now, in a stable order.
	Endpoints []string `json:"endpoints"`
	// IdleTimeoutSeconds and PerRequestTimeoutSeconds are the service's timeout
	// settings; nil means ECS's default, 0 disables.
	IdleTimeoutSeconds       *int `json:"idleTimeoutSeconds,omitempty"`
	PerRequestTimeoutSeconds *int `json:"perRequestTimeoutSeconds,omitempty"`
	// Ingress marks a server task's own listener (ingressPortOverride): Addr is the task's
	// address and the override port, Endpoints its container port. Only the task whose
	// address it is runs it (the discovery table leaves it out for the others).
	Ingress bool `json:"ingress,omitempty"`
}

// App protocols of a port mapping (the API's ApplicationProtocol enum).
const (
	ProtocolHTTP  = "http"
	ProtocolHTTP2 = "http2"
	ProtocolGRPC  = "grpc"
)

// ECS's Service Connect timeout defaults (the guide's "Service Connect proxy" section).
const (
	DefaultPerRequestTimeout = 15 * time.Second
	DefaultHTTPIdleTimeout   = 5 * time.Minute
	DefaultTCPIdleTimeout    = time.Hour
)

// IsHTTP tells whether the listener balances requests rather than connections.
func (l Listener) IsHTTP() bool {
	switch l.AppProtocol {
	case ProtocolHTTP, ProtocolHTTP2, ProtocolGRPC:
		return true
	}
	return false
}

// IdleTimeout is the listener's idle timeout; 0 means none.
func (l Listener) IdleTimeout() time.Duration {
	if l.IdleTimeoutSeconds != nil {
		return time.Duration(*l.IdleTimeoutSeconds) * time.Second
	}
	if l.IsHTTP() {
		return DefaultHTTPIdleTimeout
	}
	return DefaultTCPIdleTimeout
}

// PerRequestTimeout is how long an HTTP request may take; 0 means no limit. TCP
// listeners have none.
func (l Listener) PerRequestTimeout() time.Duration {
	if !l.IsHTTP() {
		return 0
	}
	if l.PerRequestTimeoutSeconds != nil {
		return time.Duration(*l.PerRequestTimeoutSeconds) * time.Second
	}
	return DefaultPerRequestTimeout
}

// sameShape tells whether two listeners differ only in their endpoints, which a running
// listener takes without restarting.
func (l Listener) sameShape(o Listener) bool {
	return l.Addr == o.Addr && l.AppProtocol == o.AppProtocol && l.IdleTimeout() == o.IdleTimeout() &&
		l.PerRequestTimeout() == o.PerRequestTimeout()
}

// AliasPrefix is the range alias addresses come from, as with ECS.
var AliasPrefix = netip.MustParsePrefix("127.255.0.0/16")

// AssignAddrs gives each name an address of AliasPrefix. A name's address comes from a
// hash of the name, so it stays the same while other names come and go (a client that
// resolved it a second ago still reaches the proxy); colliding names, taken in sorted
// order, move to the next free address. Host parts 0 and 255 of each /24 are skipped.
// More names than the range holds is an error.
func AssignAddrs(names []string) (map[string]netip.Addr, error) {
	sorted := slices.Compact(slices.Sorted(slices.Values(names)))
	const size = 1 << 16
	if len(sorted) > size/2 {
		return nil, fmt.Errorf("service connect: %d aliases do not fit in %s", len(sorted), AliasPrefix)
	}
	taken := make(map[uint16]bool, len(sorted))
	out := make(map[string]netip.Addr, len(sorted))
	base := AliasPrefix.Addr().As4()
	for _, name := range sorted {
		h := fnv.New32a()
		_, _ = h.Write([]byte(name))
		n := uint16(h.Sum32())
		for taken[n] || n&0xff == 0 || n&0xff == 0xff {
			n++
		}
		taken[n] = true
		out[name] = netip.AddrFrom4([4]byte{base[0], base[1], byte(n >> 8), byte(n)})
	}
	return out, nil
}
