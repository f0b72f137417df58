//go:build docker

package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// testLabel marks the containers these tests start, so a leak is easy to find.
const testLabel = "ecsmini.test=image-build"

// TestImageBuildAndRunWorkload needs the Docker Engine and the docker CLI (docker tier):
// it packages a static ecsmini, runs the image and checks the workload inside it
// behaves as a task container must. An unreachable engine fails the test.
func TestImageBuildAndRunWorkload(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	defer engine.Close()

	bin := staticBinary(t)
	tag := "ecsmini-test-" + randomHex(t) + ":latest"
	t.Cleanup(func() {
		if err := engine.RemoveImage(context.Background(), tag); err != nil {
			t.Errorf("remove image %s: %v", tag, err)
		}
	})

	// --binary, in process.
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"image", "build", "--tag", tag, "--binary", bin}, &stdout, &stderr); code != 0 {
		t.Fatalf("image build: exit %d\n%s%s", code, &stdout, &stderr)
	}
	fields := strings.Fields(stdout.String())
	if len(fields) != 2 || fields[0] != tag || !strings.HasPrefix(fields[1], "sha256:") {
		t.Fatalf("image build printed %q, want %q and an image ID", stdout.String(), tag)
	}
	// The default binary: the static ecsmini packages itself.
	if out, err := exec.CommandContext(ctx, bin, "image", "build", "--tag", tag).CombinedOutput(); err != nil {
		t.Fatalf("static ecsmini image build (default binary): %v\n%s", err, out)
	} else if !strings.HasPrefix(string(out), tag+" sha256:") {
		t.Fatalf("static ecsmini image build printed %q", out)
	}
	labels := docker(t, ctx, "image", "inspect", "-f", `{{index .Config.Labels "ecsmini.image"}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}`, tag)
	if want := `workload ["/ecsmini"] ["workload","--listen",":8080"]`; labels != want {
		t.Errorf("image config = %s, want %s", labels, want)
	}

	t.Run("exit code after time", func(t *testing.T) {
		cmd := exec.CommandContext(ctx, "docker", "run", "--rm", "--label", testLabel, tag, "workload", "--exit-code", "3", "--exit-after", "1s")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("docker run: %v, want exit status 3\n%s", err, out)
		}
		if !strings.Contains(string(out), "workload: exiting with code 3 after 1s") {
			t.Errorf("no exit line in:\n%s", out)
		}
	})

	t.Run("OOM-killed under a memory limit", func(t *testing.T) {
		name := "ecsmini-test-" + randomHex(t)
		t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
		err := exec.CommandContext(ctx, "docker", "run", "--name", name, "--label", testLabel,
			"--memory", "32m", "--memory-swap", "32m", tag, "workload", "--allocate-mb", "128").Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 137 {
			t.Fatalf("docker run: %v, want exit status 137", err)
		}
		if oom := docker(t, ctx, "inspect", "-f", "{{.State.OOMKilled}}", name); oom != "true" {
			t.Errorf("OOMKilled = %s, want true", oom)
		}
	})

	t.Run("ignored SIGTERM needs SIGKILL", func(t *testing.T) {
		name := "ecsmini-test-" + randomHex(t)
		docker(t, ctx, "run", "-d", "--name", name, "--label", testLabel, tag, "workload", "--ignore-sigterm")
		t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
		waitForLog(t, ctx, name, "workload: started")
		docker(t, ctx, "stop", "-t", "1", name)
		if code := docker(t, ctx, "inspect", "-f", "{{.State.ExitCode}}", name); code != "137" {
			t.Errorf("exit code = %s, want 137 (killed)", code)
		}
		if logs := docker(t, ctx, "logs", name); !strings.Contains(logs, "workload: received SIGTERM, ignoring") {
			t.Errorf("logs lack the ignored SIGTERM:\n%s", logs)
		}
	})

	t.Run("serve, probe, stop on SIGTERM", func(t *testing.T) {
		name := "ecsmini-test-" + randomHex(t)
		docker(t, ctx, "run", "-d", "--name", name, "--label", testLabel, "-p", "127.0.0.1::8080", tag)
		t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })

		probeIn := func(url string) error {
			return exec.CommandContext(ctx, "docker", "exec", name, "/ecsmini", "workload", "probe", "--timeout", "1s", url).Run()
		}
		deadline := time.Now().Add(15 * time.Second)
		for probeIn("http://127.0.0.1:8080/health") != nil {
			if time.Now().After(deadline) {
				t.Fatalf("workload probe never succeeded inside the container; logs:\n%s", docker(t, ctx, "logs", name))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if probeIn("http://127.0.0.1:8080/missing") == nil {
			t.Error("probe of a 404 path succeeded")
		}

		hostPort := docker(t, ctx, "port", name, "8080/tcp")
		resp, err := http.Get("http://" + strings.Fields(hostPort)[0] + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "hostname: ") {
			t.Errorf("GET / = %d:\n%s", resp.StatusCode, page)
		}

		// PID 1 in a scratch image must handle SIGTERM itself, so docker stop is quick and clean.
		start := time.Now()
		docker(t, ctx, "stop", "-t", "20", name)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("docker stop took %v: SIGTERM not handled", took)
		}
		if code := docker(t, ctx, "inspect", "-f", "{{.State.ExitCode}}", name); code != "0" {
			t.Errorf("exit code after SIGTERM = %s, want 0", code)
		}
		logs := docker(t, ctx, "logs", name)
		for _, want := range []string{"workload: listening on :8080", "workload: received SIGTERM, exiting"} {
			if !strings.Contains(logs, want) {
				t.Errorf("logs lack %q:\n%s", want, logs)
			}
		}
	})
}

// waitForLog waits until the container's logs contain want, so a signal is not sent
// before the workload has installed its handler.
func waitForLog(t *testing.T, ctx context.Context, name, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(docker(t, ctx, "logs", name), want) {
		if time.Now().After(deadline) {
			t.Fatalf("container %s never logged %q", name, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// staticBinary builds ecsmini as a static Linux binary for this architecture.
func staticBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ecsmini-linux")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/ecsmini/ecsmini")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build static ecsmini: %v\n%s", err, out)
	}
	if _, err := checkStaticLinux(bin, runtime.GOARCH); err != nil {
		t.Fatalf("CGO_ENABLED=0 build is not static: %v", err)
	}
	return bin
}

// docker runs the docker CLI and returns its trimmed stdout, failing the test on error.
func docker(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, &stderr)
	}
	return strings.TrimSpace(string(out))
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
