package cli

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// upWithShutdown runs up in-process with the shutdown endpoint in front of it, as
// `ecsmini up` serves it: a proxy that answers /_ecsmini/shutdown by stopping up and
// passes everything else on. It returns the front's URL and the state directory. drive,
// when set, runs up on the test's clock.
func upWithShutdown(t *testing.T, runtime string, drive *upDriver) (endpoint, stateDir string, upOut *syncBuffer, upDone chan error) {
	t.Helper()
	stateDir = t.TempDir()
	addr, out, stop := startUp(t, upOptions{stateDir: stateDir, runtime: runtime, drive: drive})
	target, _ := url.Parse("http://" + addr)
	upDone = make(chan error, 1)
	mux := http.NewServeMux()
	mux.Handle(ecsminiapi.ShutdownPath, shutdownHandler(func() { upDone <- stop() }))
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // up refusing connections once stopped is expected
	mux.Handle("/", proxy)
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	return front.URL, stateDir, out, upDone
}

func TestDownStopsARunningEcsmini(t *testing.T) {
	dc := newDrivenClock()
	endpoint, stateDir, upOut, upDone := upWithShutdown(t, "sim", dc.driver())
	c := newClient(endpoint)
	waitTasks(t, dc, c, "default", runTasks(t, c, "", webTaskDef, 2), ecs.StatusRunning)

	out, errOut, code := runMain(t, "down", "--endpoint", endpoint, "--timeout", "30s")
	if code != 0 {
		t.Fatalf("down: exit %d\n%s%s", code, out, errOut)
	}
	select {
	case err := <-upDone:
		if err != nil {
			t.Fatalf("up returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("up still running after down returned")
	}
	if !strings.HasPrefix(out, "stopped ecsmini (pid "+strconv.Itoa(os.Getpid())+")\n") {
		t.Errorf("down printed %q", out)
	}
	// Docker may or may not be here: either it was searched (nothing of a sim run is
	// there) or a note says it was skipped.
	if !strings.Contains(out, "removed 0 containers, 0 networks, 0 volumes\n") && !strings.Contains(errOut, "note: skipped looking for leftover containers") {
		t.Errorf("down said nothing about Docker: %q %q", out, errOut)
	}
	if !strings.Contains(upOut.String(), "state saved") {
		t.Errorf("up did not stop cleanly:\n%s", upOut)
	}
	if stateLocked(stateDir) {
		t.Error("the state directory is still locked after down")
	}
	if _, err := os.Stat(filepath.Join(stateDir, stateLockFile)); err != nil {
		t.Errorf("down without --purge touched the state directory: %v", err)
	}

	// Again: nothing answers and nothing is left, which is success. --purge deletes
	// the state directory the stopped ecsmini used.
	out, errOut, code = runMain(t, "down", "--endpoint", endpoint, "--state-dir", stateDir, "--purge")
	if code != 0 || !strings.Contains(out, "deleted "+stateDir+"\n") || strings.Contains(out, "stopped") {
		t.Fatalf("down --purge: exit %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Errorf("state directory still there: %v", err)
	}
	out, errOut, code = runMain(t, "down", "--endpoint", endpoint, "--state-dir", stateDir, "--purge")
	if code != 0 || !strings.HasPrefix(out, "nothing to do: no ecsmini answers at "+endpoint) {
		t.Errorf("down with nothing to do: exit %d %q %q", code, out, errOut)
	}
}

func TestDownPurgeWhileRunning(t *testing.T) {
	endpoint, stateDir, _, _ := upWithShutdown(t, "sim", nil)
	out, errOut, code := runMain(t, "down", "--endpoint", endpoint, "--purge")
	if code != 0 || !strings.HasPrefix(out, "stopped ecsmini") || !strings.Contains(out, "deleted "+stateDir+"\n") {
		t.Fatalf("down --purge: exit %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Errorf("state directory still there: %v", err)
	}
}

func TestDownRefuses(t *testing.T) {
	// An ecsmini without the shutdown endpoint (an older one: only health answers) is
	// left running.
	mux := http.NewServeMux()
	mux.Handle("/_ecsmini/health", healthHandler(ecsminiapi.Health{Status: "ok", StateDir: t.TempDir(), PID: 1, Runtime: "sim"}))
	older := httptest.NewServer(mux)
	defer older.Close()
	_, errOut, code := runMain(t, "down", "--endpoint", older.URL)
	if code == 0 || !strings.Contains(errOut, "does not accept shutdown requests") {
		t.Errorf("down against an ecsmini without the endpoint: exit %d %q", code, errOut)
	}

	// A state directory in use by an ecsmini elsewhere is not cleaned up after.
	dir := t.TempDir()
	startUp(t, upOptions{stateDir: dir, runtime: "sim"})
	_, errOut, code = runMain(t, "down", "--endpoint", "http://127.0.0.1:1", "--state-dir", dir, "--purge")
	if code == 0 || !strings.Contains(errOut, "is in use by an ecsmini that does not answer at http://127.0.0.1:1") {
		t.Errorf("down on a state directory in use: exit %d %q", code, errOut)
	}

	// --state-dir must agree with the ecsmini that answers.
	endpoint, _, _, _ := upWithShutdown(t, "sim", nil)
	_, errOut, code = runMain(t, "down", "--endpoint", endpoint, "--state-dir", t.TempDir())
	if code == 0 || !strings.Contains(errOut, "uses state directory") {
		t.Errorf("down with another --state-dir: exit %d %q", code, errOut)
	}
	if _, err := probe(t.Context(), endpoint, time.Second); err != nil {
		t.Errorf("down with the wrong --state-dir stopped ecsmini: %v", err)
	}
}

func TestCheckPurgePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	state := filepath.Join(home, ".local", "state", "ecsmini")
	mustMkdir(t, state)
	mustWrite(t, filepath.Join(state, stateLockFile))
	notState := filepath.Join(home, "projects")
	mustMkdir(t, notState)
	mustWrite(t, filepath.Join(notState, "main.go"))
	file := filepath.Join(home, "file")
	mustWrite(t, file)
	link := filepath.Join(t.TempDir(), "home-link")
	if err := os.Symlink(home, link); err != nil {
		t.Fatal(err)
	}
	inUse := t.TempDir()
	startUp(t, upOptions{stateDir: inUse, runtime: "sim"})

	tests := []struct {
		name, dir, want, err string
	}{
		{name: "empty", dir: "", err: "the path is empty"},
		{name: "blank", dir: "  ", err: "the path is empty"},
		{name: "root", dir: "/", err: "the root directory"},
		{name: "root unclean", dir: "/tmp/..", err: "the root directory"},
		{name: "home", dir: home, err: "the home directory"},
		{name: "home with slash", dir: home + "/", err: "the home directory"},
		{name: "symlink to home", dir: link, err: "the home directory"},
		{name: "parent of home", dir: filepath.Dir(home), err: "contains the home directory"},
		{name: "not a state directory", dir: notState, err: "does not look like an ecsmini state directory"},
		{name: "a file", dir: file, err: "not a directory"},
		{name: "in use", dir: inUse, err: "a running ecsmini uses it"},
		{name: "absent", dir: filepath.Join(home, "nope"), want: ""},
		{name: "state directory", dir: state, want: state},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkPurgePath(tt.dir)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("checkPurgePath(%q) = %q, %v; want an error with %q", tt.dir, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("checkPurgePath(%q) = %q, %v; want %q", tt.dir, got, err, tt.want)
			}
		})
	}
	// Nothing refused was touched.
	for _, p := range []string{home, notState, file, filepath.Join(inUse, stateLockFile)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestPlural(t *testing.T) {
	if got := plural(0, "volume") + "," + plural(1, "network") + "," + plural(3, "container"); got != "0 volumes,1 network,3 containers" {
		t.Errorf("plural: %q", got)
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

// --state-dir is a path like any other: relative to the working directory, as up takes
// it, and with or without a trailing slash.
func TestDownRelativeStateDir(t *testing.T) {
	endpoint, stateDir, _, upDone := upWithShutdown(t, "sim", nil)
	t.Chdir(filepath.Dir(stateDir))
	rel := filepath.Base(stateDir) + "/"
	out, errOut, code := runMain(t, "down", "--endpoint", endpoint, "--state-dir", rel, "--timeout", "30s")
	if code != 0 || !strings.HasPrefix(out, "stopped ecsmini") {
		t.Fatalf("down --state-dir %s: exit %d %q %q", rel, code, out, errOut)
	}
	select {
	case <-upDone:
	case <-time.After(5 * time.Second):
		t.Fatal("up still running after down returned")
	}
}
