//go:build docker

package cli

import (
	"context"
	"testing"
	"time"
)

// TestUpWithDockerRuntime needs the real Docker Engine (docker tier).
func TestUpWithDockerRuntime(t *testing.T) {
	addr, _, stop := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "docker"})
	h, err := probe(context.Background(), "http://"+addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if h.Runtime != "docker" || h.DockerEngine == "" {
		t.Fatalf("health = %+v, want the docker runtime with an engine", h)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
