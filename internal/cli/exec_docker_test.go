//go:build docker

package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// terminal is the user's side of `ecsmini exec` in a test: it answers the queries a
// real terminal answers (the ecsmini binary asks for the background colour and the
// cursor position when its output is a terminal), and types lines when asked.
type terminal struct {
	in *io.PipeWriter
	r  *io.PipeReader

	mu      sync.Mutex
	out     strings.Builder
	changed chan struct{}
	answers chan []byte // written to in by one goroutine, in order
}

func newTerminal() *terminal {
	r, w := io.Pipe()
	t := &terminal{in: w, r: r, changed: make(chan struct{}, 1), answers: make(chan []byte, 16)}
	go func() {
		for a := range t.answers {
			if _, err := w.Write(a); err != nil {
				return
			}
		}
	}()
	return t
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.out.Write(p)
	t.mu.Unlock()
	// Answer in the order asked, as a terminal does: with a writer per answer the cursor
	// report could arrive first, and the colour answer would reach the shell as input.
	s := string(p)
	var answer []byte
	if strings.Contains(s, "\x1b]11;?") {
		answer = append(answer, "\x1b]11;rgb:0000/0000/0000\x1b\\"...) // as xterm answers
	}
	if strings.Contains(s, "\x1b[6n") {
		answer = append(answer, "\x1b[1;1R"...)
	}
	if len(answer) > 0 {
		t.answers <- answer
	}
	select {
	case t.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (t *terminal) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.String()
}

// waitFor waits until the output shows want n times.
func (t *terminal) waitFor(tb testing.TB, want string, n int) {
	tb.Helper()
	deadline := time.After(20 * time.Second)
	for strings.Count(t.String(), want) < n {
		select {
		case <-t.changed:
		case <-deadline:
			tb.Fatalf("terminal never showed %q %d times; it shows %q", want, n, t.String())
		}
	}
}

func TestExecOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	stateDir := t.TempDir()
	d := startDockerUp(t, image, stateDir, "exec-"+randomHex(t))
	enable := func(in *sdkecs.RunTaskInput) { in.EnableExecuteCommand = true }
	tk := d.waitRunning(t, 60*time.Second, d.run(t, ec2("exec", types.NetworkModeBridge, d.workloadDef("app")), 1, enable)...)[0]
	plain := d.waitRunning(t, 60*time.Second, d.run(t, ec2("noexec", types.NetworkModeBridge, d.workloadDef("app")), 1)...)[0]
	c := containerOf(t, &tk, "app")
	if len(c.ManagedAgents) != 1 || aws.ToString(c.ManagedAgents[0].LastStatus) != "RUNNING" || aws.ToString(c.RuntimeId) == "" {
		t.Fatalf("container %+v: want runtimeId and ExecuteCommandAgent RUNNING", c)
	}
	o := execOptions{endpoint: "http://" + d.addr, cluster: d.cluster}
	id := aws.ToString(tk.TaskArn)[strings.LastIndexByte(aws.ToString(tk.TaskArn), '/')+1:]
	run := func(t *testing.T, command string, term *terminal) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		code, err := runExec(ctx, o, id[:10], command, term.r, term)
		if err != nil {
			t.Fatalf("exec %s: %v\n%s", command, err, term)
		}
		return code
	}

	t.Run("output and exit code", func(t *testing.T) {
		term := newTerminal()
		if code := run(t, `/ecsmini workload sh -c "echo hello-from-exec"`, term); code != 0 || !strings.Contains(term.String(), "hello-from-exec\r\n") {
			t.Errorf("exit %d, output %q", code, term)
		}
		if code := run(t, `/ecsmini workload sh -c "exit 42"`, newTerminal()); code != 42 {
			t.Errorf("exit %d, want 42", code)
		}
		if code := run(t, "/no/such/program", newTerminal()); code != 126 && code != 127 {
			t.Errorf("a missing program exits %d, want 126 or 127 as docker exec", code)
		}
	})

	t.Run("interactive", func(t *testing.T) {
		term := newTerminal()
		done := make(chan int, 1)
		go func() { done <- run(t, "/ecsmini workload sh -i", term) }()
		term.waitFor(t, "$ ", 1)
		term.in.Write([]byte("echo line-one\r"))
		term.waitFor(t, "line-one\r\n", 2) // the terminal's echo, then the shell's
		term.waitFor(t, "$ ", 2)
		term.in.Write([]byte("size\r")) // no size from this terminal: the client's default
		term.waitFor(t, "24 80\r\n", 1)
		term.waitFor(t, "$ ", 3)
		term.in.Write([]byte("exit 3\r"))
		select {
		case code := <-done:
			if code != 3 {
				t.Errorf("exit %d, want 3; output %q", code, term)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("session did not end after exit; output %q", term)
		}
	})

	t.Run("session log", func(t *testing.T) {
		logs, err := filepath.Glob(filepath.Join(execLogDir(stateDir), "ecs-execute-command-*.log"))
		if err != nil || len(logs) < 4 {
			t.Fatalf("session logs %v %v, want one per session", logs, err)
		}
		var all strings.Builder
		for _, f := range logs {
			b, _ := os.ReadFile(f)
			all.Write(b)
		}
		if !strings.Contains(all.String(), "hello-from-exec") || !strings.Contains(all.String(), "line-one") {
			t.Errorf("session logs lack the sessions' output:\n%s", all.String())
		}
	})

	t.Run("not enabled", func(t *testing.T) {
		_, err := runExec(context.Background(), o, aws.ToString(plain.TaskArn), "/ecsmini workload sh", newTerminal().r, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "execute command was not enabled when the task was run") {
			t.Errorf("exec into a task without enableExecuteCommand: %v", err)
		}
	})
}
