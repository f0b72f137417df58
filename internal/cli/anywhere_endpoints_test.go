package cli

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// TestAgentEndpointsAtOneAddress: with `ecsmini agent --metadata-address`, the
// metadata endpoints listen on that address only, and every network's containers are
// sent there (not to the network's gateway, which the agent may not own); the port
// is kept in the agent's state directory and taken again by the next run.
func TestAgentEndpointsAtOneAddress(t *testing.T) {
	dir := t.TempDir()
	serve := func() (*endpoints, string) {
		t.Helper()
		ep := newEndpoints(endpointsConfig{Runtime: sim.New(clock.Real{}, sim.Options{}), Address: "127.0.0.2"})
		t.Cleanup(func() { _ = ep.close() })
		if err := (agentEndpoints{ep, dir}).Serve(http.NotFoundHandler()); err != nil {
			t.Fatal(err)
		}
		addr, err := ep.Reach(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		return ep, addr
	}
	ep, addr := serve()
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.2" {
		t.Fatalf("listening at %s, want 127.0.0.2", addr)
	}
	for _, network := range []string{"bridge", "host", "ecsmini-edge"} {
		if got, err := ep.Reach(context.Background(), network); err != nil || got != addr {
			t.Errorf("Reach(%s) = %s %v, want %s", network, got, err, addr)
		}
	}
	if err := ep.claim(context.Background(), "bridge"); err != nil {
		t.Errorf("claim: %v", err)
	}
	if err := ep.close(); err != nil {
		t.Fatal(err)
	}
	if _, again := serve(); again != addr {
		t.Errorf("the next run listens at %s, want %s again", again, addr)
	}
}
