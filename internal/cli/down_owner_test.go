package cli

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// clientEnv clears the variables that name an endpoint and sets ECSMINI_LISTEN and the
// per-user state directory (XDG_STATE_HOME) for a test.
func clientEnv(t *testing.T, listen string) (ownStateDir string) {
	t.Helper()
	t.Setenv("ECSMINI_ENDPOINT", "")
	t.Setenv("AWS_ENDPOINT_URL_ECS", "")
	t.Setenv("ECSMINI_LISTEN", listen)
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", home)
	return filepath.Join(home, "ecsmini")
}

// TestDownWithoutFlagsStopsOnlyYourOwn (issue 18, item 6): `ecsmini down` with no
// flags leaves alone an ecsmini that is not on the user's state directory (another
// user's on the default port, say), telling how to name it, and stops the user's own.
func TestDownWithoutFlagsStopsOnlyYourOwn(t *testing.T) {
	var shutdowns atomic.Int32
	mux := http.NewServeMux()
	mux.Handle(ecsminiapi.HealthPath, healthHandler(ecsminiapi.Health{Status: "ok", StateDir: "/home/someone-else/.local/state/ecsmini", PID: 4242, Runtime: "sim"}))
	mux.HandleFunc(ecsminiapi.ShutdownPath, func(w http.ResponseWriter, _ *http.Request) { shutdowns.Add(1) })
	other := httptest.NewServer(mux)
	defer other.Close()
	clientEnv(t, strings.TrimPrefix(other.URL, "http://"))

	_, errOut, code := runMain(t, "down")
	if code == 0 || !strings.Contains(errOut, "not stopping it: the ecsmini at "+other.URL+" (pid 4242) keeps its state in /home/someone-else") ||
		!strings.Contains(errOut, "ecsmini down --endpoint "+other.URL) {
		t.Errorf("down against another's ecsmini: exit %d %q", code, errOut)
	}
	if n := shutdowns.Load(); n != 0 {
		t.Errorf("down asked another's ecsmini to stop (%d times)", n)
	}

	// The user's own, found through ECSMINI_LISTEN as up would listen: stopped.
	own := t.TempDir()
	t.Setenv("XDG_STATE_HOME", own)
	addr, _, stop := startUp(t, upOptions{runtime: "sim", stateDir: filepath.Join(own, "ecsmini"), listen: "127.0.0.1:0"})
	front := shutdownFront(t, addr, stop)
	t.Setenv("ECSMINI_LISTEN", strings.TrimPrefix(front, "http://"))
	out, errOut, code := runMain(t, "down", "--timeout", "30s")
	if code != 0 || !strings.HasPrefix(out, "stopped ecsmini") {
		t.Errorf("down of your own: exit %d %q %q", code, out, errOut)
	}
}

// TestEnvHonoursEcsminiListen: with no endpoint variable, env points at where up
// listens per ECSMINI_LISTEN (loopback for an unspecified host).
func TestEnvHonoursEcsminiListen(t *testing.T) {
	for listen, want := range map[string]string{
		"127.0.0.1:4711": "http://127.0.0.1:4711",
		"0.0.0.0:4712":   "http://127.0.0.1:4712",
		":4713":          "http://127.0.0.1:4713",
		"":               "http://" + DefaultListen,
	} {
		clientEnv(t, listen)
		out, _, code := runMain(t, "env")
		if code != 0 || !strings.Contains(out, "export AWS_ENDPOINT_URL_ECS="+want+"\n") {
			t.Errorf("ECSMINI_LISTEN=%q: exit %d\n%s", listen, code, out)
		}
	}
}

// shutdownFront serves the shutdown endpoint in front of an in-process up at addr, as
// upWithShutdown does, and returns its URL.
func shutdownFront(t *testing.T, addr string, stop func() error) string {
	t.Helper()
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle(ecsminiapi.ShutdownPath, shutdownHandler(func() { _ = stop(); close(done) }))
	target, _ := url.Parse("http://" + addr)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	mux.Handle("/", proxy)
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	t.Cleanup(func() {
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	})
	return front.URL
}
