package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/composeapply"
)

// writeCompose writes a compose file into a fresh directory and returns its path.
func writeCompose(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportReportsWhatDidNotComeUp (issue 18, item 3): import waits for the services
// and prints a table; a service whose image cannot be pulled, one whose published port
// another program holds, and one depending on a failed service are reported with why,
// and the exit code is 1. A project that comes up exits 0 with running states and its
// ports, and --lb-port moves a published port.
func TestImportReportsWhatDidNotComeUp(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{runtime: "sim", stateDir: t.TempDir(), region: "us-east-1", accountID: "000000000000"})
	ep := "http://" + addr

	t.Run("not up", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		port := taken.Addr().(*net.TCPAddr).Port
		file := writeCompose(t, fmt.Sprintf(`name: broken
services:
  web:
    image: ecsmini-demo:latest
    ports: ["%d:8080"]
  api:
    image: registry.invalid/missing:1
  worker:
    image: ecsmini-demo:latest
    depends_on:
      api:
        condition: service_healthy
`, port))
		stdout, stderr, code := runMain(t, "import", "-f", file, "--endpoint", ep, "--wait", "30s", "--wait-timeout", "30s")
		if code != 1 {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		t.Logf("import printed:\n%s", stdout)
		rows := tableRows(stdout)
		checks := []struct{ service, state, reason string }{
			{"web", "failed", fmt.Sprintf("port %d is taken by another program", port)},
			{"api", "failed", "CannotPullContainerError"},
			{"worker", "failed", "api"},
		}
		for _, c := range checks {
			row := rows[c.service]
			if !strings.Contains(row, c.state) || !strings.Contains(row, c.reason) {
				t.Errorf("row of %s = %q, want %s with %q\n%s", c.service, row, c.state, c.reason, stdout)
			}
		}
		if !strings.Contains(stderr, "project broken did not come up") {
			t.Errorf("stderr lacks the summary: %s", stderr)
		}
	})

	t.Run("up", func(t *testing.T) {
		free, err := freeLoopbackPort()
		if err != nil {
			t.Fatal(err)
		}
		file := writeCompose(t, `name: fine
services:
  web:
    image: ecsmini-demo:latest
    ports: ["8080"]
  job:
    image: ecsmini-demo:latest
    command: ["workload", "--exit-code", "0", "--exit-after", "1ms"]
    restart: "no"
`)
		if _, stderr, code := runMain(t, "import", "-f", file, "--endpoint", ep, "--lb-port", "nosuch-80=1234"); code != 1 || !strings.Contains(stderr, "--lb-port nosuch-80: no published port") {
			t.Errorf("--lb-port with an unknown name: exit %d, %s", code, stderr)
		}
		stdout, stderr, code := runMain(t, "import", "-f", file, "--endpoint", ep, "--wait", "30s", "--lb-port", fmt.Sprintf("fine-web-8080=%d", free), "-o", "json")
		if code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		var rep composeapply.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
		states := map[string]composeapply.ServiceReport{}
		for _, s := range rep.Services {
			states[s.Service] = s
		}
		if s := states["web"]; s.State != "running" || s.Running != 1 || len(s.Ports) != 1 || s.Ports[0] != fmt.Sprintf("127.0.0.1:%d->8080", free) {
			t.Errorf("web = %+v, want running 1/1 on 127.0.0.1:%d->8080", s, free)
		}
		if s := states["job"]; s.State != "running" && s.State != "completed" {
			t.Errorf("job = %+v, want running or completed", s)
		}
	})
}

// tableRows indexes the report table's lines by their first column.
func tableRows(out string) map[string]string {
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			rows[f[0]] = line
		}
	}
	return rows
}

// TestUpComposeNotUpExitsNonZero: `up -f` whose project does not come up prints the
// table, says which service failed and why, and ends with an error (a non-zero exit).
func TestUpComposeNotUpExitsNonZero(t *testing.T) {
	file := writeCompose(t, `name: nope
services:
  web:
    image: ecsmini-demo:latest
  api:
    image: registry.invalid/missing:1
`)
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o := upOptions{runtime: "sim", stateDir: t.TempDir(), listen: "127.0.0.1:0", noTUI: true, compose: composeFlags{files: []string{file}}}
	err := runUp(ctx, o, &out, &out, nil)
	if err == nil || !strings.Contains(err.Error(), "project nope did not come up: api (failed: api: CannotPullContainerError") {
		t.Fatalf("up -f: %v, want the project not up\n%s", err, &out)
	}
	if rows := tableRows(out.String()); !strings.Contains(rows["web"], "running") || !strings.Contains(rows["api"], "failed") {
		t.Errorf("no table with web running and api failed:\n%s", &out)
	}
}
