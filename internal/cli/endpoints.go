package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/internal/httpguard"
)

// endpoints serves the task metadata and credentials endpoints where task containers
// can reach them: on loopback (host-network tasks, the simulator) and, with Docker, on
// the gateway address of each network tasks use, which is this host as containers see
// it. It never listens on other interfaces.
type endpoints struct {
	rt      containers.Runtime
	sim     bool
	handler http.Handler
	// names serves the cluster DNS tables that awsvpc tasks' DNS servers poll; nil
	// until withDiscovery.
	names http.Handler

	mu      sync.Mutex
	port    int               // preferred port, the loopback listener's
	reach   map[string]string // network → host:port
	servers []*http.Server
}

func newEndpoints(rt containers.Runtime, sim bool) *endpoints {
	return &endpoints{rt: rt, sim: sim, reach: map[string]string{}}
}

// preferredMetadataPort is where the endpoints listen when the port is free. A stable
// port lets containers adopted after a restart keep reaching ecsmini at the address in
// their environment (the ECS agent uses 51678 and 51679; this is the next one).
const preferredMetadataPort = 51680

// withDiscovery serves, next to the metadata endpoints, the DNS names of each cluster's
// services (discovery.Path) from src: its Records method when it has one (the
// emulator's), else no names. Call it before serve.
func (e *endpoints) withDiscovery(src any) {
	e.names = discovery.Handler(discovery.Records(src))
}

// serve starts the loopback listener with h (and the discovery tables, if set).
func (e *endpoints) serve(h http.Handler) error {
	if names := e.names; names != nil {
		metadata := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == discovery.Path {
				names.ServeHTTP(w, r)
				return
			}
			metadata.ServeHTTP(w, r)
		})
	}
	e.handler = h
	addr, err := e.listen("127.0.0.1", preferredMetadataPort)
	if err != nil {
		addr, err = e.listen("127.0.0.1", 0)
	}
	if err != nil {
		return fmt.Errorf("metadata endpoint: %w", err)
	}
	_, p, _ := net.SplitHostPort(addr)
	e.port, _ = strconv.Atoi(p)
	e.reach[""] = addr
	return nil
}

func (e *endpoints) listen(ip string, port int) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return "", err
	}
	// Tasks ask for an address (this one, 127.0.0.1 through their proxy, 169.254.170.2);
	// a DNS-rebinding web page asks for its own name.
	guarded := httpguard.New(httpguard.Config{Listen: ln.Addr().String(), AnyAddress: true}, e.handler)
	srv := &http.Server{Handler: guarded, ReadHeaderTimeout: 10 * time.Second}
	e.servers = append(e.servers, srv)
	go func() { _ = srv.Serve(ln) }() // ends with Close; Serve's error then is ErrServerClosed
	return ln.Addr().String(), nil
}

// Reach implements agent.Endpoints.
func (e *endpoints) Reach(ctx context.Context, network string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sim || network == "host" {
		network = ""
	}
	if addr, ok := e.reach[network]; ok {
		return addr, nil
	}
	nw, err := e.rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: network})
	if err != nil {
		return "", fmt.Errorf("network %s: %w", network, err)
	}
	gw, _, _ := strings.Cut(nw.Gateway, "/")
	if gw == "" {
		return "", fmt.Errorf("network %s has no gateway address", network)
	}
	addr, err := e.listen(gw, e.port)
	if err != nil {
		addr, err = e.listen(gw, 0) // the preferred port is taken on that address
	}
	if err != nil {
		return "", fmt.Errorf("listening on %s (the host as network %s sees it): %w", gw, network, err)
	}
	e.reach[network] = addr
	return addr, nil
}

// close stops every listener.
func (e *endpoints) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, s := range e.servers {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
