package cli

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/internal/httpguard"
)

// Timeouts of the API listener. A request's headers and body must arrive within
// apiReadTimeout (the largest body, 1 MiB, takes milliseconds on loopback), so a slow
// or stalled client cannot hold a connection for minutes; an idle keep-alive
// connection closes after apiIdleTimeout. There is no write timeout: `ecsmini events
// --follow`, `logs --follow` and CPU profiles stream for as long as they are read.
// Variables so that tests can shorten them.
var (
	apiReadHeaderTimeout = 10 * time.Second
	apiReadTimeout       = 30 * time.Second
	apiIdleTimeout       = 2 * time.Minute
)

// pprofPath serves Go's runtime profiles (heap, goroutines, CPU, ...) to clients on
// this machine: go tool pprof http://127.0.0.1:4599/_ecsmini/debug/pprof/heap
const pprofPath = "/_ecsmini/debug/pprof/"

// newAPIServer returns the server of the API listener bound to listen: handler behind
// the guard that keeps web pages out and caps every body (the ECS API's 1 MiB, for
// ecsmini's own endpoints too), with the listener's timeouts.
func newAPIServer(handler http.Handler, listen string, allowHosts, allowOrigins []string, log *slog.Logger) *http.Server {
	g := httpguard.New(httpguard.Config{Listen: listen, Hosts: allowHosts, Origins: allowOrigins,
		HostFlag: "--allow-host", OriginFlag: "--allow-origin", MaxBodyBytes: httpapi.MaxBodyBytes, Log: log}, handler)
	return &http.Server{Handler: g, ReadHeaderTimeout: apiReadHeaderTimeout,
		ReadTimeout: apiReadTimeout, IdleTimeout: apiIdleTimeout}
}

// listenName is the host name in a --listen address (myhost.lan in myhost.lan:4599),
// which clients then use as Host, or "" when it is an address or empty.
func listenName(listen string) string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" || net.ParseIP(host) != nil {
		return ""
	}
	return host
}

// pprofHandler serves net/http/pprof under pprofPath, to loopback clients only.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // named profiles: heap, goroutine, allocs, ...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return httpguard.LoopbackOnly(http.StripPrefix("/_ecsmini", mux))
}

// exposureWarning is what up prints when the API listens beyond loopback, or "".
func exposureWarning(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf(`WARNING: ecsmini listens on %s, not on loopback only. Anyone who can reach that address
(other machines on the network, and containers through the Docker bridge gateway,
tasks included) can call the ECS API without credentials, and so run containers with
host mounts: that is root on this machine. Use --listen 127.0.0.1:PORT unless you mean it.
`, addr)
}
