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
	rt  containers.Runtime
	sim bool
	// fixed, when set, is the one address every task container reaches the endpoints
	// at, whatever its network (see endpointsConfig.Address).
	fixed   string
	handler http.Handler
	// names serves the cluster DNS tables that awsvpc tasks' DNS servers poll, or is nil.
	names http.Handler

	mu      sync.Mutex
	port    int               // preferred port, the loopback listener's
	reach   map[string]string // network → host:port
	servers []*http.Server
	// listeners are closed by close too: a server whose Serve has not begun yet would
	// only let go of its listener once Serve runs, and a restart must find the port free.
	listeners []net.Listener
}

// endpointsConfig is what the endpoints serve from.
type endpointsConfig struct {
	Runtime containers.Runtime
	// Simulated serves on loopback only (no Docker networks to reach).
	Simulated bool
	// Discovery, if set, is the source of the DNS names of each cluster's services
	// (discovery.Path), served next to the metadata endpoints: its Records method when
	// it has one (the emulator's), else no names.
	Discovery any
	// Address, when set, is the only address the endpoints listen on, and where every
	// task container is told to find them: for an `ecsmini agent` that does not run in
	// the Docker Engine's network namespace, where the networks' gateways are not its own.
	Address string
}

func newEndpoints(cfg endpointsConfig) *endpoints {
	e := &endpoints{rt: cfg.Runtime, sim: cfg.Simulated, fixed: cfg.Address, reach: map[string]string{}}
	if cfg.Discovery != nil {
		e.names = discovery.Handler(discovery.Records(cfg.Discovery))
	}
	return e
}

// preferredMetadataPort is where the endpoints listen by default when the port is free
// (the ECS agent uses 51678 and 51679; this is the next one). Whatever port they get is
// saved in the state directory and reused after a restart (see endpoints_port.go).
const preferredMetadataPort = 51680

// serve starts the loopback listener with h (and the discovery tables, if set) on the
// preferred port, or any free one.
func (e *endpoints) serve(h http.Handler) error { return e.serveOn(h, portPlan{}) }

// serveOn is serve with the listener's port chosen as plan says (see listenLoopback).
func (e *endpoints) serveOn(h http.Handler, plan portPlan) error {
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
	addr, err := e.listenLoopback(plan)
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
	e.listeners = append(e.listeners, ln)
	go func() { _ = srv.Serve(ln) }() // ends with Close; Serve's error then is ErrServerClosed
	return ln.Addr().String(), nil
}

// Reach implements agent.Endpoints.
func (e *endpoints) Reach(ctx context.Context, network string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sim || network == "host" || e.fixed != "" {
		network = ""
	}
	if addr, ok := e.reach[network]; ok {
		return addr, nil
	}
	gw, err := e.gateway(ctx, network)
	if err != nil {
		return "", err
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

// gateway is the address of this host as containers on network see it.
func (e *endpoints) gateway(ctx context.Context, network string) (string, error) {
	nw, err := e.rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: network})
	if err != nil {
		return "", fmt.Errorf("network %s: %w", network, err)
	}
	gw, _, _ := strings.Cut(nw.Gateway, "/")
	if gw == "" {
		return "", fmt.Errorf("network %s has no gateway address", network)
	}
	return gw, nil
}

// claim listens on network's gateway on the endpoints' own port, where the containers
// adopted from the previous run on that network were told to find it. Unlike Reach, it
// does not settle for another port: those containers could not follow.
func (e *endpoints) claim(ctx context.Context, network string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sim || network == "host" || e.fixed != "" {
		return nil
	}
	if _, ok := e.reach[network]; ok {
		return nil
	}
	gw, err := e.gateway(ctx, network)
	if err != nil {
		return err
	}
	addr, err := e.listen(gw, e.port)
	if err != nil {
		return fmt.Errorf("port %d on %s (this host as network %s sees it) is not free, and task containers ecsmini adopts from its previous run reach it there: %w", e.port, gw, network, err)
	}
	e.reach[network] = addr
	return nil
}

// home is the address of the first listener: loopback, or the fixed address.
func (e *endpoints) home() string {
	if e.fixed != "" {
		return e.fixed
	}
	return "127.0.0.1"
}

// close stops every listener.
func (e *endpoints) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, s := range e.servers {
		errs = append(errs, s.Close())
	}
	for _, ln := range e.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
