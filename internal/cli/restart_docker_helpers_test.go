//go:build docker

package cli

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
)

// crashable runs `ecsmini up --runtime docker` as a process on one state directory, so
// that a test can kill -9 it, change things behind its back, and start it again. When
// the test ends, the last one is stopped with SIGTERM (which stops its tasks), `ecsmini
// down` removes what a killed one left, and nothing of the state directory may remain.
type crashable struct {
	t            *testing.T
	stateDir     string
	image        string
	metadataPort int // preferred, never 51680: an occupied port of the test's own
	cmd          *exec.Cmd
	exited       chan struct{}
	out          *syncBuffer
	addr         string
}

func newCrashable(t *testing.T, image string) *crashable {
	t.Helper()
	c := &crashable{t: t, stateDir: t.TempDir(), image: image, metadataPort: occupy(t)}
	t.Cleanup(func() {
		if c.running() {
			if err := c.terminate(); err != nil {
				t.Errorf("ecsmini on SIGTERM: %v\n%s", err, c.out)
			}
		}
		if out, errOut, code := runMain(t, "down", "--endpoint", "http://127.0.0.1:1", "--state-dir", c.stateDir); code != 0 {
			t.Errorf("down after the test: exit %d %s %s", code, out, errOut)
		} else {
			t.Logf("down after the test: %s", strings.TrimSpace(out))
		}
		if left := leftovers(c.stateDir); left != "" {
			t.Errorf("after the test the engine still holds:\n%s", left)
		}
	})
	return c
}

// start runs ecsmini and waits until its API answers.
func (c *crashable) start() *dockerTasks {
	c.t.Helper()
	stdout, err := c.launch()
	if err != nil {
		c.t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.out.Write([]byte(sc.Text() + "\n"))
			if addr, ok := strings.CutPrefix(sc.Text(), "export AWS_ENDPOINT_URL_ECS=http://"); ok {
				found <- addr
			}
		}
	}()
	select {
	case c.addr = <-found:
	case <-c.exited:
		c.t.Fatalf("ecsmini exited at start:\n%s", c.out)
	case <-time.After(30 * time.Second):
		c.t.Fatalf("ecsmini printed no endpoint within 30s:\n%s", c.out)
	}
	down := new(atomic.Bool)
	down.Store(true) // the crashable's cleanup stops the tasks, not each test's
	return &dockerTasks{addr: c.addr, stateDir: c.stateDir, image: c.image, down: down, out: c.out,
		ecs: sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + c.addr),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})}
}

// startFails runs ecsmini expecting it to refuse to start, and returns its exit code
// and output.
func (c *crashable) startFails() (int, string) {
	c.t.Helper()
	stdout, err := c.launch()
	if err != nil {
		c.t.Fatal(err)
	}
	go func() { _, _ = io.Copy(c.out, stdout) }()
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		c.t.Fatalf("ecsmini still running after 30s, want it to refuse to start:\n%s", c.out)
	}
	return c.cmd.ProcessState.ExitCode(), c.out.String()
}

func (c *crashable) launch() (io.Reader, error) {
	c.out = &syncBuffer{}
	c.cmd = exec.Command(ecsminiBinary(c.t), "up", "--runtime", "docker", "--no-tui", "--listen", "127.0.0.1:0",
		"--state-dir", c.stateDir, "--pause-image", c.image, "--metadata-port", strconv.Itoa(c.metadataPort))
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.cmd.Stderr = c.out
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	c.exited = make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	return stdout, nil
}

func (c *crashable) running() bool {
	if c.cmd == nil {
		return false
	}
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// kill ends ecsmini with SIGKILL, as a crash does: its tasks' containers go on.
func (c *crashable) kill() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	<-c.exited
}

// terminate stops ecsmini with SIGTERM and waits (its tasks stop with it).
func (c *crashable) terminate() error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.exited:
	case <-time.After(150 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return context.DeadlineExceeded
	}
	if code := c.cmd.ProcessState.ExitCode(); code != 0 {
		return &exec.ExitError{ProcessState: c.cmd.ProcessState}
	}
	return nil
}
