//go:build docker

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestComposeBuildKitOnDocker (issue 18, item 2): compose build: uses BuildKit, so a
// Dockerfile with a syntax line, a heredoc, COPY --chmod and --link builds and its
// service runs; a service whose Dockerfile fails fails alone, with the builder's
// message in the report, and the emulator keeps serving.
func TestComposeBuildKitOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	dir := t.TempDir()
	for name, body := range map[string]string{
		"good/Dockerfile": "# syntax=docker/dockerfile:1.4\nFROM " + image + "\nCOPY <<EOF /motd\nbuilt by buildkit\nEOF\nCOPY --chmod=0600 --link app.txt /app.txt\n",
		"good/app.txt":    "app\n",
		"bad/Dockerfile":  "FROM " + image + "\nRUN [\"/ecsmini\", \"workload\", \"--log\", \"the build step fails\", \"--exit-code\", \"3\", \"--exit-after\", \"1ms\"]\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	project := "bk" + randomHex(t)[:8]
	file := filepath.Join(dir, "compose.yaml")
	compose := "name: " + project + `
services:
  good:
    build: ./good
    command: ["workload", "--listen", ":8080"]
  bad:
    build: ./bad
    command: ["workload", "--listen", ":8080"]
`
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	stateDir := t.TempDir()
	addr, out, stop := startUp(t, upOptions{runtime: "docker", pauseImage: image, stateDir: stateDir, region: "us-east-1"})
	t.Cleanup(func() { cleanupCompose(t, stop, stateDir, project, out) })

	stdout, stderr, code := runMain(t, "import", "-f", file, "--endpoint", "http://"+addr, "--wait", "90s")
	if code != 1 {
		t.Fatalf("import: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	rows := tableRows(stdout)
	if !strings.Contains(rows["good"], "running") {
		t.Errorf("good is not running:\n%s", stdout)
	}
	if !strings.Contains(rows["bad"], "failed") || !strings.Contains(rows["bad"], "exit code: 3") {
		t.Errorf("bad is not failed with the builder's message:\n%s", stdout)
	}
	for _, want := range []string{"compose: build | ", "the build step fails"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in the progress:\n%s", want, stdout)
		}
	}
	if _, _, code := runMain(t, "ps", "--endpoint", "http://"+addr); code != 0 {
		t.Errorf("the emulator no longer answers after a failed build")
	}
}
