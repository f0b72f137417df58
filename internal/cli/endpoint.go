package cli

import (
	"net"
	"strings"
)

// endpointURL resolves where a running ecsmini is: --endpoint, else ECSMINI_ENDPOINT,
// else AWS_ENDPOINT_URL_ECS, else where `up` listens by default: ECSMINI_LISTEN (as a
// loopback address when it names no host or all of them), else the default listen
// address. Every client command (env, ps, down, import, ...) resolves it so.
func endpointURL(flag string) string {
	u := flag
	if u == "" {
		u = getenv("ECSMINI_ENDPOINT", "AWS_ENDPOINT_URL_ECS")
	}
	if u == "" {
		u = "http://" + clientAddr(getenv("ECSMINI_LISTEN"))
	}
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	return strings.TrimRight(u, "/")
}

// clientAddr is where a client reaches an ecsmini listening on listen: the default
// listen address when listen is empty, loopback when it names no host or an
// unspecified one (0.0.0.0, ::).
func clientAddr(listen string) string {
	if listen == "" {
		return DefaultListen
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
