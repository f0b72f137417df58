//go:build docker

package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestComposeDocker brings the example stack up on Docker with up -f --watch: the web
// image is built from its Dockerfile, localhost:WEB_PORT reaches web through its load
// balancer, web reaches api by its compose name (its proxy port answers with api's
// health), and editing api in the file rolls api alone.
func TestComposeDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "examples", "compose"), dir)
	for _, f := range []string{"compose.yaml", filepath.Join("web", "Dockerfile")} {
		editAll(t, filepath.Join(dir, f), "ecsmini-demo:latest", image)
	}
	project := "compose" + randomHex(t)[:8]
	webPort, proxyPort := freePort(t), freePort(t)
	t.Setenv("WEB_PORT", strconv.Itoa(webPort))
	t.Setenv("WEB_PROXY_PORT", strconv.Itoa(proxyPort))
	stateDir := t.TempDir()
	addr, out, stop := startUp(t, upOptions{runtime: "docker", pauseImage: image, stateDir: stateDir, region: "us-east-1",
		drainDelay: time.Second, watch: true, compose: composeFlags{files: []string{filepath.Join(dir, "compose.yaml")}, project: project}})
	t.Cleanup(func() { cleanupCompose(t, stop, stateDir, project, out) })
	waitOutputWithin(t, out, "compose: watching", 4*time.Minute)
	if strings.Contains(out.String(), "compose: service") {
		t.Fatalf("the import failed:\n%s", out)
	}

	body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", webPort))
	if !strings.Contains(body, project+"-web") {
		t.Errorf("localhost:%d does not show a web task:\n%s", webPort, body)
	}
	// web's proxy dials api:9000 by name: its answer is api's health page.
	if got := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/health", proxyPort)); !strings.Contains(strings.ToLower(got), "ok") {
		t.Errorf("web → api by name: GET /health through web's proxy answered %q", got)
	}

	mark := len(out.String())
	editAll(t, filepath.Join(dir, "compose.yaml"), `"api ${API_VERSION:-v1}"`, `"api ${API_VERSION:-v2}"`)
	waitFor(t, out, mark, project+": updated api")
	revs := serviceRevisions(t, addr, project, "web", "api", "worker", "db")
	for name, want := range map[string]string{"api": "-api:2", "web": "-web:1", "worker": "-worker:1", "db": "-db:1"} {
		if revs[name] != project+want {
			t.Errorf("after editing api: %s runs %s, want %s%s", name, revs[name], project, want)
		}
	}
}

func editAll(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func waitOutputWithin(t *testing.T, out *syncBuffer, s string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), s) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no %q after %s:\n%s", s, d, out)
}

// httpGet retries a GET for up to 30 s (a target may still be registering).
func httpGet(t *testing.T, url string) string {
	t.Helper()
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			last = err.Error()
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		if resp.StatusCode == http.StatusOK {
			return string(b)
		}
		last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, b)
	}
	t.Fatalf("GET %s: %s", url, last)
	return ""
}

// cleanupCompose stops up, then removes what outlives it by design (the EFS stand-in
// volume of the named volume, the built images) and checks nothing else is left.
func cleanupCompose(t *testing.T, stop func() error, stateDir, project string, out *syncBuffer) {
	if err := stop(); err != nil {
		t.Errorf("up returned %v\n%s", err, out)
	}
	vols, _ := exec.Command("docker", "volume", "ls", "-q", "--filter", "label=ecsmini.state-dir="+stateDir).Output()
	for _, v := range strings.Fields(string(vols)) {
		if strings.HasPrefix(v, "ecsmini-efs-") {
			if b, err := exec.Command("docker", "volume", "rm", v).CombinedOutput(); err != nil {
				t.Errorf("docker volume rm %s: %v %s", v, err, b)
			}
		}
	}
	imgs, _ := exec.Command("docker", "images", "-q", "--filter", "reference="+project+"-*").Output()
	for _, id := range strings.Fields(string(imgs)) {
		_ = exec.Command("docker", "rmi", "-f", id).Run()
	}
	if left := leftovers(stateDir); left != "" {
		t.Errorf("after up stopped, the engine still holds what ecsmini created:\n%s", left)
	}
}
