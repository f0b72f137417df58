package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// occupy holds a loopback port until the test ends and returns it.
func occupy(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// serveEndpoints starts metadata endpoints as `up` does and returns their loopback port
// (or the error) and how to close them (also done when the test ends).
func serveEndpoints(t *testing.T, plan portPlan) (int, func(), error) {
	t.Helper()
	ep := newEndpoints(endpointsConfig{Runtime: sim.New(clock.Real{}, sim.Options{}), Simulated: true})
	closeEP := func() { _ = ep.close() }
	t.Cleanup(closeEP)
	if err := ep.serveOn(http.NotFoundHandler(), plan); err != nil {
		return 0, closeEP, err
	}
	return ep.port, closeEP, nil
}

// The endpoints' port is kept in the state directory: with the preferred port taken the
// first start gets another one, and the next start, with containers of the first to
// adopt, gets that one again, or fails saying why if it is taken. With nothing to
// adopt, a taken saved port is no reason to fail.
func TestMetadataPortKeptAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	taken := occupy(t) // stands for 51680 held by another program
	first, stop, err := serveEndpoints(t, portPlan{stateDir: dir, preferred: taken})
	if err != nil {
		t.Fatal(err)
	}
	if first == taken {
		t.Fatalf("listening on the taken port %d", taken)
	}
	if saved, err := loadMetadataPort(dir); err != nil || saved != first {
		t.Fatalf("saved port %d (%v), want %d", saved, err, first)
	}
	stop() // the first ecsmini ends (killed); its containers remain and are adopted
	second, stop, err := serveEndpoints(t, portPlan{stateDir: dir, preferred: taken, keepSaved: true})
	if err != nil || second != first {
		t.Fatalf("after a restart with containers to adopt: port %d (%v), want %d again", second, err, first)
	}
	stop()

	// Someone else takes the saved port while ecsmini is down.
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(first))
	if err != nil {
		t.Fatalf("port %d is not free after the endpoints closed: %v", first, err)
	}
	defer ln.Close()
	_, _, err = serveEndpoints(t, portPlan{stateDir: dir, preferred: taken, keepSaved: true})
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(first)) || !strings.Contains(err.Error(), "ecsmini down --state-dir") ||
		!strings.Contains(err.Error(), filepath.Join(dir, metadataPortFile)) {
		t.Fatalf("with the saved port taken and containers to adopt: %v, want an error naming the port, the file and the way out", err)
	}
	// Without containers to adopt, ecsmini starts on another port and saves it.
	third, _, err := serveEndpoints(t, portPlan{stateDir: dir, preferred: taken})
	if err != nil || third == first || third == taken {
		t.Fatalf("without containers to adopt: port %d (%v)", third, err)
	}
	if saved, _ := loadMetadataPort(dir); saved != third {
		t.Errorf("saved port %d, want %d", saved, third)
	}
}

// A damaged port file is reported, not taken for "no port saved".
func TestMetadataPortFileDamaged(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, metadataPortFile), []byte(`{"port": 7`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := serveEndpoints(t, portPlan{stateDir: dir, preferred: occupy(t), keepSaved: true})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged port file: %v", err)
	}
}

// loopbackGateway is the simulator with every network's gateway on 127.0.0.2, an
// address a test can listen on, as Docker's bridge gateways are for ecsmini.
type loopbackGateway struct{ *sim.Runtime }

func (l loopbackGateway) EnsureNetwork(ctx context.Context, spec containers.NetworkSpec) (containers.Network, error) {
	nw, err := l.Runtime.EnsureNetwork(ctx, spec)
	nw.Gateway = "127.0.0.2"
	return nw, err
}

// Containers adopted on a network reach the endpoints on its gateway at the saved port:
// claim takes exactly that port there and fails, saying which, when it is taken, where
// Reach (for new tasks) settles for another port.
func TestClaimGatewayPort(t *testing.T) {
	for _, taken := range []bool{false, true} {
		t.Run(fmt.Sprintf("taken=%v", taken), func(t *testing.T) {
			ep := newEndpoints(endpointsConfig{Runtime: loopbackGateway{sim.New(clock.Real{}, sim.Options{})}})
			t.Cleanup(func() { _ = ep.close() })
			if err := ep.serveOn(http.NotFoundHandler(), portPlan{preferred: occupy(t)}); err != nil {
				t.Fatal(err)
			}
			if taken {
				ln, err := net.Listen("tcp", "127.0.0.2:"+strconv.Itoa(ep.port))
				if err != nil {
					t.Skipf("cannot listen on 127.0.0.2 here: %v", err)
				}
				defer ln.Close()
			}
			err := ep.claim(t.Context(), "bridge")
			want := "127.0.0.2:" + strconv.Itoa(ep.port)
			switch {
			case taken && (err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(ep.port)+" on 127.0.0.2")):
				t.Fatalf("claim of a taken gateway port: %v", err)
			case !taken && err != nil:
				t.Fatal(err)
			case !taken:
				if got, _ := ep.Reach(t.Context(), "bridge"); got != want {
					t.Errorf("after claim, Reach = %s, want %s", got, want)
				}
			case taken:
				if got, err := ep.Reach(t.Context(), "bridge"); err != nil || got == want {
					t.Errorf("Reach for a new task with the port taken = %s %v, want another port", got, err)
				}
			}
		})
	}
}
