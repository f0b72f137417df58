package cli

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// ecsminiBinary builds the ecsmini command once per test run.
func ecsminiBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ecsmini-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ecsmini")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/ecsmini/ecsmini").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build ecsmini: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// process is a running `ecsmini up`.
type process struct {
	cmd  *exec.Cmd
	addr string
}

// asMainEnv makes the test binary run as ecsmini itself (see TestMain).
const asMainEnv = "ECSMINI_TEST_BINARY_AS_MAIN"

// TestMain lets the test binary serve as ecsmini: with asMainEnv set it runs Main on
// its arguments, so a test of the process (signals, restarts) needs no go build.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startBinary runs `ecsmini up` (this test binary as ecsmini) on a free port and
// waits for its endpoint line.
func startBinary(t testing.TB, stateDir string) *process {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "up", "--runtime", "sim", "--listen", "127.0.0.1:0", "--state-dir", stateDir)
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	return startProcess(t, cmd)
}

// startProcess starts cmd, an `ecsmini up`, and waits for its endpoint line.
func startProcess(t testing.TB, cmd *exec.Cmd) *process {
	t.Helper()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "export AWS_ENDPOINT_URL_ECS=http://"); ok {
				found <- addr
			}
		}
	}()
	select {
	case p.addr = <-found:
	case <-time.After(10 * time.Second):
		t.Fatal("ecsmini printed no endpoint within 10s")
	}
	if _, err := probe(context.Background(), "http://"+p.addr, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBinarySurvivesSIGKILLAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	p := startBinary(t, dir)
	td := `{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","memory":128}]}`
	for _, step := range []struct{ op, body string }{
		{"CreateCluster", `{"clusterName":"survivor","tags":[{"key":"team","value":"a"}]}`},
		{"RegisterTaskDefinition", td},
		{"RegisterTaskDefinition", td},
		{"DeregisterTaskDefinition", `{"taskDefinition":"web:1"}`},
		{"PutAccountSettingDefault", `{"name":"fargateTaskRetirementWaitPeriod","value":"14"}`},
	} {
		if code, m := call(t, p.addr, step.op, step.body); code != 200 {
			t.Fatalf("%s: %d %v", step.op, code, m)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	p2 := startBinary(t, dir)
	_, m := call(t, p2.addr, "DescribeClusters", `{"clusters":["survivor"],"include":["TAGS"]}`)
	if cs, _ := m["clusters"].([]any); len(cs) != 1 {
		t.Fatalf("cluster lost after SIGKILL: %v", m)
	}
	_, m = call(t, p2.addr, "DescribeTaskDefinition", `{"taskDefinition":"web:1"}`)
	if td, _ := m["taskDefinition"].(map[string]any); td["status"] != "INACTIVE" {
		t.Fatalf("web:1 after SIGKILL = %v, want INACTIVE", m)
	}
	_, m = call(t, p2.addr, "RegisterTaskDefinition", td)
	if td, _ := m["taskDefinition"].(map[string]any); td["revision"] != float64(3) {
		t.Fatalf("revision after restart = %v, want 3", td["revision"])
	}
	_, m = call(t, p2.addr, "ListAccountSettings", `{"name":"fargateTaskRetirementWaitPeriod","effectiveSettings":true}`)
	if s, _ := m["settings"].([]any); len(s) != 1 || s[0].(map[string]any)["value"] != "14" {
		t.Fatalf("account setting after SIGKILL = %v", m)
	}

	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- p2.cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("SIGTERM: ecsmini exited with %v, want 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ecsmini did not stop within 10s of SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshot.jsonl")); err != nil {
		t.Fatalf("no snapshot after clean stop: %v", err)
	}
}
