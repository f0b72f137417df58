package execchannel_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/execchannel"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

type env struct {
	srv      *httptest.Server
	rt       *fakeRuntime
	sessions *fakeSessions
	url      string
}

func newEnv(t *testing.T, runtimeID, logging, logDir string) *env {
	t.Helper()
	e := &env{rt: &fakeRuntime{}, sessions: &fakeSessions{closed: make(chan closeReport, 1),
		target: ecs.ExecTarget{RuntimeID: runtimeID, ContainerName: "app", Command: []string{"sh", "-i"}, CommandText: "sh -i", Logging: logging, TaskARN: "arn:task"}}}
	mux := http.NewServeMux()
	mux.Handle(ecs.ExecDataChannelPath, execchannel.NewHandler(execchannel.Config{Sessions: e.sessions, Runtime: e.rt, LogDir: logDir}))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.url = "ws" + strings.TrimPrefix(e.srv.URL, "http") + ecs.ExecDataChannelPath + "s1?role=publish_subscribe"
	return e
}

// syncBuffer is a Buffer safe for the client's writer and the test's reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestClientSessionReturnsExitCode(t *testing.T) {
	logDir := t.TempDir()
	e := newEnv(t, "c1", ecs.ExecLoggingDefault, logDir)
	var out syncBuffer
	sizes := make(chan ssmsession.SizeContent, 2)
	sizes <- ssmsession.SizeContent{Cols: 120, Rows: 40}
	sizes <- ssmsession.SizeContent{Cols: 100, Rows: 30}
	code, err := execchannel.Attach(testCtx(t), e.url, "tok", execchannel.ClientOptions{
		Stdin: strings.NewReader("hello\nexit 7\n"), Stdout: &out, Sizes: sizes})
	if err != nil {
		t.Fatal(err)
	}
	if code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	for _, want := range []string{"$ sh -i\r\n", "got: hello\r\n", "bye\r\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
	if rep := <-e.sessions.closed; rep.code != 7 || rep.err != nil {
		t.Errorf("CloseExecSession(%d, %v), want 7, nil", rep.code, rep.err)
	}
	if spec := e.rt.specs[0]; spec.Cols != 120 || spec.Rows != 40 || !spec.TTY || strings.Join(spec.Cmd, " ") != "sh -i" {
		t.Errorf("exec spec %+v, want sh -i on a 120x40 terminal", spec)
	}
	logged, err := os.ReadFile(filepath.Join(logDir, "s1.log"))
	if err != nil || !strings.Contains(string(logged), "got: hello") || !strings.Contains(string(logged), "# command sh -i") {
		t.Errorf("session log: %q, %v", logged, err)
	}
}

func TestNoLogWhenClusterLoggingIsNone(t *testing.T) {
	logDir := t.TempDir()
	e := newEnv(t, "c1", ecs.ExecLoggingNone, logDir)
	if _, err := execchannel.Attach(testCtx(t), e.url, "tok", execchannel.ClientOptions{Stdin: strings.NewReader("exit 0\n"), Stdout: io.Discard}); err != nil {
		t.Fatal(err)
	}
	<-e.sessions.closed
	if files, _ := os.ReadDir(logDir); len(files) != 0 {
		t.Errorf("logging NONE kept %d files", len(files))
	}
}

func TestSessionRefusals(t *testing.T) {
	tests := []struct {
		name, runtimeID, token, want string
	}{
		{"wrong token", "c1", "nope", "bad or used token"},
		{"simulated runtime", "sim", "tok", "there is no container to enter on the simulated runtime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.runtimeID, ecs.ExecLoggingNone, "")
			_, err := execchannel.Attach(testCtx(t), e.url, tc.token, execchannel.ClientOptions{Stdout: io.Discard})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Attach: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
