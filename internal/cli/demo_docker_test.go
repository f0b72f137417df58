//go:build docker

package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// TestDemoOnDocker (issue 18, items 1 and 3): `ecsmini demo` (the real binary, as a
// user runs it) runs its tasks on Docker when Docker is there: they reach RUNNING as
// containers on the engine and the web service answers through its load balancer.
// An ecsmini-demo:latest that another build of ecsmini left (a working image, labelled
// with another build) is built again from this binary and the stale one removed.
// After Ctrl-C nothing the demo made is left: no container, network or volume.
func TestDemoOnDocker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	bin := ecsminiBinary(t)
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	defer engine.Close()
	// A stale demo image: this binary, but labelled as another ecsmini's build.
	files, err := workloadContext(bin)
	if err != nil {
		t.Fatal(err)
	}
	stale := "stale-" + randomHex(t)
	if err := engine.BuildImage(ctx, DefaultImageTag, files, map[string]string{"ecsmini.image": "workload", dockerrt.LabelBuild: stale}); err != nil {
		t.Fatal(err)
	}
	staleID := dockerCLI(t, "image", "inspect", "-f", "{{.Id}}", DefaultImageTag)

	// The demo's state directory is under TMPDIR: every object it labels is found by it.
	// Not tied to ctx: a failed test stops it with Ctrl-C (see the cleanup), not a kill.
	tmp := t.TempDir()
	cmd := exec.Command(bin, "demo", "--no-tui", "--pace", "0", "--port", "0", "--keep")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	finished := make(chan struct{}) // closed once the demo has exited
	up := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if strings.HasPrefix(line, "demo: The stack stays up: ") {
				up <- line
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
		close(finished)
	}()
	t.Cleanup(func() {
		// A demo still running (the test failed) is stopped as a user would, so that it
		// removes what it made; killed only when it does not stop.
		select {
		case <-finished:
		default:
			_ = cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-finished:
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
			}
		}
		for _, left := range demoLeftovers(t, tmp) {
			t.Errorf("left behind: %s", left)
			kind, id, _ := strings.Cut(left, " ")
			rm := map[string][]string{"container": {"rm", "-f", id}, "network": {"network", "rm", id}, "volume": {"volume", "rm", "-f", id}}[kind]
			_ = exec.Command("docker", rm...).Run()
		}
	})
	var line string
	select {
	case line = <-up:
	case err := <-exited:
		t.Fatalf("the demo ended before its stack was up: %v\n%s", err, out.String())
	case <-ctx.Done():
		t.Fatalf("the demo's stack was not up in time:\n%s", out.String())
	}
	text := out.String()
	for _, want := range []string{"Building the demo image " + DefaultImageTag, "has reached a steady state", "a web task answers through the local load balancer"} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo did not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "will be simulated") || strings.Contains(text, "simulated tasks serve no page") {
		t.Errorf("the demo fell back to simulated tasks with Docker there:\n%s", text)
	}
	// Its tasks run as containers: web ×3 and api ×2, each with its pause container.
	running := dockerCLI(t, "ps", "--filter", "label=ecsmini.managed=true", "--format", `{{.Label "ecsmini.state-dir"}} {{.Label "com.amazonaws.ecs.task-definition-family"}} {{.Label "com.amazonaws.ecs.container-name"}}`)
	apps := 0
	for _, l := range strings.Split(running, "\n") {
		if f := strings.Fields(l); len(f) == 3 && strings.HasPrefix(f[0], tmp) && f[2] != "~internal~ecs~pause" {
			apps++
		}
	}
	if apps != 5 {
		t.Errorf("%d task containers of the demo run on the engine, want 5 (web ×3, api ×2):\n%s", apps, running)
	}
	web := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(line, "demo: The stack stays up: "))[0], "/")
	if body := get(t, web+"/health"); strings.TrimSpace(body) != "ok" {
		t.Errorf("GET %s/health = %q", web, body)
	}
	// The stale image was built again from this binary, and removed.
	build, err := binaryBuild(bin)
	if err != nil {
		t.Fatal(err)
	}
	if got := dockerCLI(t, "image", "inspect", "-f", `{{index .Config.Labels "ecsmini.build"}}`, DefaultImageTag); got != build {
		t.Errorf("%s is labelled build %q, want this binary's %q", DefaultImageTag, got, build)
	}
	if err := exec.Command("docker", "image", "inspect", staleID).Run(); err == nil {
		t.Errorf("the stale image %s is still there", staleID)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the demo exited with %v after Ctrl-C:\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the demo did not stop after Ctrl-C:\n%s", out.String())
	}
	if left := demoLeftovers(t, tmp); len(left) > 0 {
		t.Errorf("the demo left behind:\n%s\n%s", strings.Join(left, "\n"), out.String())
	}
}

// demoLeftovers lists the containers, networks and volumes ecsmini labelled with a
// state directory under dir, as "kind id" lines.
func demoLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	var left []string
	for _, kind := range []string{"container", "network", "volume"} {
		args := []string{kind, "ls", "-q", "--filter", "label=ecsmini.managed=true"}
		if kind == "container" {
			args = []string{"ps", "-aq", "--filter", "label=ecsmini.managed=true"}
		}
		for _, id := range strings.Fields(dockerCLI(t, args...)) {
			var inspect []string
			switch kind {
			case "container":
				inspect = []string{"inspect", "-f", `{{index .Config.Labels "ecsmini.state-dir"}}`, id}
			case "network":
				inspect = []string{"network", "inspect", "-f", `{{index .Labels "ecsmini.state-dir"}}`, id}
			default:
				inspect = []string{"volume", "inspect", "-f", `{{index .Labels "ecsmini.state-dir"}}`, id}
			}
			o, err := exec.Command("docker", inspect...).Output()
			if err == nil && strings.HasPrefix(strings.TrimSpace(string(o)), dir+string(filepath.Separator)) {
				left = append(left, fmt.Sprintf("%s %s", kind, id))
			}
		}
	}
	return left
}
