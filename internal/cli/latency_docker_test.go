//go:build docker

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// BenchmarkRunTaskToRunning compares what a user waits for: RunTask of a one-container
// bridge task until DescribeTasks says RUNNING, against `docker run -d` of the same
// image (the target: within 1.3× of docker's own time).
func BenchmarkRunTaskToRunning(b *testing.B) {
	ctx := context.Background()
	image := latencyImage(b)
	dir := b.TempDir()
	upCtx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runUp(upCtx, upOptions{listen: "127.0.0.1:0", stateDir: dir, runtime: "docker", region: "us-east-1",
			accountID: "000000000000", pauseImage: image}, io.Discard, io.Discard, ready)
	}()
	addr := <-ready
	defer func() { cancel(); <-done }()
	td := fmt.Sprintf(`{"family":"latency","containerDefinitions":[{"name":"app","image":%q,"memory":64,"command":["workload"]}]}`, image)
	if _, err := ecsCall(addr, "RegisterTaskDefinition", td); err != nil {
		b.Fatal(err)
	}

	var ecsTotal, dockerTotal time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, err := ecsCall(addr, "RunTask", `{"taskDefinition":"latency","launchType":"EC2"}`)
		if err != nil {
			b.Fatal(err)
		}
		arn := out["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
		for {
			d, err := ecsCall(addr, "DescribeTasks", fmt.Sprintf(`{"tasks":[%q]}`, arn))
			if err != nil {
				b.Fatal(err)
			}
			if d["tasks"].([]any)[0].(map[string]any)["lastStatus"] == "RUNNING" {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		ecsTotal += time.Since(start)
		if _, err := ecsCall(addr, "StopTask", fmt.Sprintf(`{"task":%q}`, arn)); err != nil {
			b.Fatal(err)
		}

		start = time.Now()
		name := fmt.Sprintf("ecsmini-latency-%d-%d", os.Getpid(), i)
		if out, err := exec.Command("docker", "run", "-d", "--name", name, "--label", "ecsmini.test=1", "-m", "64m", image, "workload").CombinedOutput(); err != nil {
			b.Fatalf("docker run: %v\n%s", err, out)
		}
		dockerTotal += time.Since(start)
		_ = exec.Command("docker", "rm", "-f", name).Run()
	}
	ecsMs := float64(ecsTotal.Microseconds()) / 1000 / float64(b.N)
	dockerMs := float64(dockerTotal.Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(ecsMs, "ms-runtask-to-running")
	b.ReportMetric(dockerMs, "ms-docker-run-d")
	b.ReportMetric(ecsMs/dockerMs, "ratio")
}

// latencyImage builds the workload image once for the benchmark and removes it after.
func latencyImage(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "ecsmini")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/ecsmini/ecsmini")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(bin)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	e, err := dockerrt.Connect(ctx)
	if err != nil {
		b.Fatalf("the docker tier needs a Docker Engine: %v", err)
	}
	tag := fmt.Sprintf("ecsmini-latency:%d", time.Now().UnixNano())
	files := map[string][]byte{"Dockerfile": []byte("FROM scratch\nCOPY ecsmini /ecsmini\nENTRYPOINT [\"/ecsmini\"]\n"), "ecsmini": raw}
	if err := e.BuildImage(ctx, tag, files, map[string]string{"ecsmini.test": "1"}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.RemoveImage(ctx, tag); _ = e.Close() })
	return tag
}

// ecsCall posts one ECS JSON 1.1 request and decodes the answer.
func ecsCall(addr, op, body string) (map[string]any, error) {
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %v", op, m)
	}
	return m, nil
}
