//go:build docker

package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDownRemovesLeftoversFromDocker needs the Docker Engine and the docker CLI (docker
// tier). It leaves, as a crashed ecsmini would, a container attached to a network and a
// volume labelled with a state directory, and checks that down removes exactly those:
// first with nothing answering, then after stopping an ecsmini on the docker runtime.
func TestDownRemovesLeftoversFromDocker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "version").CombinedOutput(); err != nil {
		t.Fatalf("Docker Engine and CLI required for the docker tier: %v\n%s", err, out)
	}
	suffix := randomHex(t)
	image := "ecsmini-down-test-" + suffix + ":latest"
	// An empty image is enough for a created (never started) container.
	imp := exec.CommandContext(ctx, "docker", "import", "-", image)
	imp.Stdin = bytes.NewReader(make([]byte, 1024)) // an empty tar archive: two zero blocks
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "image", "rm", "-f", image).Run() })

	// Another ecsmini's objects (another state directory) must survive.
	decoy := leaveObjects(t, ctx, image, "decoy-"+suffix, t.TempDir())

	dir := t.TempDir()
	leaveObjects(t, ctx, image, "crashed-"+suffix, dir)
	out, errOut, code := runMain(t, "down", "--endpoint", "http://127.0.0.1:1", "--state-dir", dir)
	if code != 0 || out != "removed 1 container, 1 network, 1 volume\n" {
		t.Fatalf("down after a crash: exit %d %q %q", code, out, errOut)
	}
	assertNoObjects(t, ctx, dir)

	// The same with --state-dir relative to the working directory.
	dir = t.TempDir()
	leaveObjects(t, ctx, image, "crashed-rel-"+suffix, dir)
	t.Chdir(filepath.Dir(dir))
	out, errOut, code = runMain(t, "down", "--endpoint", "http://127.0.0.1:1", "--state-dir", filepath.Base(dir))
	if code != 0 || out != "removed 1 container, 1 network, 1 volume\n" {
		t.Fatalf("down --state-dir %s after a crash: exit %d %q %q", filepath.Base(dir), code, out, errOut)
	}
	assertNoObjects(t, ctx, dir)

	// An ecsmini on Docker that answers: down stops it, then removes what is left.
	endpoint, dir, _, upDone := upWithShutdown(t, "docker", nil)
	leaveObjects(t, ctx, image, "running-"+suffix, dir)
	out, errOut, code = runMain(t, "down", "--endpoint", endpoint, "--purge")
	if code != 0 || !strings.HasPrefix(out, "stopped ecsmini (pid ") ||
		!strings.Contains(out, "\nremoved 1 container, 1 network, 1 volume\ndeleted "+dir+"\n") {
		t.Fatalf("down: exit %d %q %q", code, out, errOut)
	}
	if err := <-upDone; err != nil {
		t.Fatalf("up: %v", err)
	}
	assertNoObjects(t, ctx, dir)

	// The other state directory's objects are untouched; remove them here.
	for _, args := range [][]string{{"container", "inspect", decoy}, {"network", "inspect", decoy}, {"volume", "inspect", decoy}} {
		if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
			t.Errorf("down removed another ecsmini's %s: %v %s", args[0], err, out)
		}
	}
}

// leaveObjects creates a container on a network and a volume, named name, with the
// labels ecsmini puts on what it creates for stateDir; cleanup removes any left.
func leaveObjects(t *testing.T, ctx context.Context, image, name, stateDir string) string {
	t.Helper()
	labels := []string{"--label", "ecsmini.managed=true", "--label", "ecsmini.state-dir=" + stateDir, "--label", "ecsmini.test=down"}
	for _, args := range [][]string{
		append([]string{"network", "create"}, append(labels, name)...),
		append([]string{"volume", "create"}, append(labels, name)...),
		append([]string{"container", "create", "--name", name, "--network", name, "-v", name + ":/data"}, append(labels, image, "/nothing")...),
	} {
		if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
			t.Fatalf("docker %v: %v\n%s", args, err, out)
		}
	}
	t.Cleanup(func() {
		_ = exec.Command("docker", "container", "rm", "-f", name).Run()
		_ = exec.Command("docker", "network", "rm", name).Run()
		_ = exec.Command("docker", "volume", "rm", "-f", name).Run()
	})
	return name
}

func assertNoObjects(t *testing.T, ctx context.Context, stateDir string) {
	t.Helper()
	filter := "label=ecsmini.state-dir=" + stateDir
	for _, args := range [][]string{
		{"container", "ls", "-a", "-q", "--filter", filter},
		{"network", "ls", "-q", "--filter", filter},
		{"volume", "ls", "-q", "--filter", filter},
	} {
		out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "" {
			t.Errorf("docker %v after down: %v %q", args, err, out)
		}
	}
}
