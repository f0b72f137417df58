package cli

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
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
	ep := newEndpoints(sim.New(clock.Real{}, sim.Options{}), true)
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
		t.Skipf("port %d was taken by another program meanwhile: %v", first, err)
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
