package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkStartup measures what a user waits for, from exec of `ecsmini up` to the first
// successful ECS API call (ListClusters), and the idle resident memory a second later, on
// a fresh state directory and on one holding 10,000 task definition revisions.
func BenchmarkStartup(b *testing.B) {
	b.Run("empty", func(b *testing.B) { benchStartup(b, nil) })
	b.Run("10k-revisions", func(b *testing.B) { benchStartup(b, stateWithRevisions(b, 10_000)) })
}

// benchStartup starts ecsmini on a copy of the state files (nil: a fresh state directory).
func benchStartup(b *testing.B, state map[string][]byte) {
	bin := ecsminiBinary(b)
	var total time.Duration
	var rss float64
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		for name, content := range state {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		p := startProcess(b, exec.Command(bin, "up", "--runtime", "sim", "--listen", "127.0.0.1:0", "--state-dir", dir))
		for {
			req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/", strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		time.Sleep(time.Second)
		rss += rssMiB(b, p.cmd.Process.Pid)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		_ = p.cmd.Wait()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-api-ready")
	b.ReportMetric(rss/float64(b.N), "idle-rss-MiB")
}

// stateWithRevisions builds state files (a snapshot and its journal segment) holding n
// Fargate task definition revisions (100 families), like a long-lived ecsmini that CI
// pipelines register into.
func stateWithRevisions(b *testing.B, n int) map[string][]byte {
	b.Helper()
	dir := b.TempDir()
	emu, err := emulator.New(emulator.Config{StateDir: dir, NoSync: true}) // setup: no need to wait for the disk
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		in := &ecs.RegisterTaskDefinitionInput{
			Family: fmt.Sprintf("fam-%03d", i%100), NetworkMode: ecs.Ptr("awsvpc"),
			RequiresCompatibilities: []string{"FARGATE"}, Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"),
			ContainerDefinitions: []ecs.ContainerDefinition{{
				Name: ecs.Ptr("web"), Image: ecs.Ptr("nginx:1.27"),
				PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(80)}},
				Environment:  []ecs.KeyValuePair{{Name: ecs.Ptr("MODE"), Value: ecs.Ptr("production")}},
				HealthCheck:  &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
			}},
		}
		if _, err := emu.RegisterTaskDefinition(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	if err := emu.Close(); err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) < 2 {
		b.Fatalf("state files %v: %v", files, err)
	}
	state := map[string][]byte{}
	for _, f := range files {
		if state[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	return state
}

func rssMiB(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("VmRSS not found")
	return 0
}
