//go:build docker

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestComposeBindMountOnFargate (issue 18, item 4): a compose bind mount of a Fargate
// service reaches the host's files locally (the compose dev loop: edit on the host,
// read in the container), while its task definition keeps the Fargate-valid empty
// volume and carries the local binding beside it as a tag.
func TestComposeBindMountOnFargate(t *testing.T) {
	image := buildWorkloadImage(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	if err := os.Mkdir(site, 0o755); err != nil {
		t.Fatal(err)
	}
	hello := filepath.Join(site, "hello.txt")
	if err := os.WriteFile(hello, []byte("hello from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	project := "bind" + randomHex(t)[:8]
	file := filepath.Join(dir, "compose.yaml")
	compose := "name: " + project + `
services:
  app:
    image: ` + image + `
    command: ["workload", "--listen", ":8080"]
    volumes:
      - ./site:/data:ro
`
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	stateDir := t.TempDir()
	addr, out, stop := startUp(t, upOptions{runtime: "docker", pauseImage: image, stateDir: stateDir, region: "us-east-1"})
	t.Cleanup(func() { cleanupCompose(t, stop, stateDir, project, out) })

	stdout, stderr, code := runMain(t, "import", "-f", file, "--endpoint", "http://"+addr, "--wait", "90s")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s\nup:\n%s", code, stdout, stderr, out)
	}
	if !strings.Contains(stderr, "Fargate has no host paths") {
		t.Errorf("import did not warn that Fargate has no host paths:\n%s", stderr)
	}
	ids, err := exec.Command("docker", "ps", "-q", "--filter", "label=ecsmini.state-dir="+stateDir,
		"--filter", "label=com.amazonaws.ecs.container-name=app").Output()
	if err != nil || len(strings.Fields(string(ids))) != 1 {
		t.Fatalf("the app container: %q %v", ids, err)
	}
	id := strings.TrimSpace(string(ids))
	read := func() string {
		b, err := exec.Command("docker", "exec", id, "/ecsmini", "workload", "sh", "-c", "cat /data/hello.txt").CombinedOutput()
		if err != nil {
			t.Fatalf("reading /data/hello.txt in the container: %v %s", err, b)
		}
		return string(b)
	}
	if got := read(); got != "hello from the host\n" {
		t.Errorf("/data/hello.txt in the container = %q", got)
	}
	if err := os.WriteFile(hello, []byte("edited on the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for got := read(); got != "edited on the host\n"; got = read() {
		if time.Now().After(deadline) {
			t.Fatalf("after an edit on the host the container reads %q", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
