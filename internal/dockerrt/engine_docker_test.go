//go:build docker

package dockerrt

import (
	"context"
	"testing"
	"time"
)

// TestConnectRealEngine needs the Docker Engine; the docker build tag selects this tier
// and CI runs it against the real engine, where an unreachable engine is a failure.
func TestConnectRealEngine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	defer e.Close()
	info := e.Info()
	if info.Version == "" || info.APIVersion == "" || info.Host == "" {
		t.Fatalf("incomplete engine info: %+v", info)
	}
	t.Logf("engine %s (API %s) at %s", info.Version, info.APIVersion, info.Host)
}
