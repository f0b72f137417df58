package dockerrt

import (
	"context"
	"fmt"
	"sync"

	"github.com/docker/docker/client"
)

// Engine is a connection to a Docker Engine.
type Engine struct {
	cli  *client.Client
	info Info
	// netMu serialises EnsureNetwork, so two tasks of a new cluster starting at once
	// do not both create its network.
	netMu sync.Mutex
	local localImages // images built on first need instead of pulled
}

// Info describes the engine ecsmini is connected to.
type Info struct {
	Host       string // e.g. unix:///var/run/docker.sock
	Version    string // engine version, e.g. 28.2.2
	APIVersion string // negotiated API version
}

// Connect finds the Docker Engine and checks that it answers.
func Connect(ctx context.Context) (*Engine, error) {
	host, err := resolveHost()
	if err != nil {
		return nil, err
	}
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	v, err := cli.ServerVersion(ctx)
	if err != nil {
		cli.Close()
		return nil, fmt.Errorf("cannot reach the Docker Engine at %s: %w", cli.DaemonHost(), err)
	}
	return &Engine{cli: cli, info: Info{Host: cli.DaemonHost(), Version: v.Version, APIVersion: cli.ClientVersion()}}, nil
}

// Info describes the connected engine.
func (e *Engine) Info() Info { return e.info }

// Close releases the connection.
func (e *Engine) Close() error { return e.cli.Close() }
