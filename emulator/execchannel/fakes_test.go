package execchannel_test

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// fakeRuntime starts fakeProcs; a container ID of "sim" fails as the simulated runtime does.
type fakeRuntime struct {
	mu    sync.Mutex
	specs []containers.ExecSpec
	procs []*fakeProc
}

func (r *fakeRuntime) Exec(_ context.Context, id string, spec containers.ExecSpec) (containers.Process, error) {
	if id == "sim" {
		return nil, fmt.Errorf("%w: there is no container to enter on the simulated runtime", containers.ErrExecUnsupported)
	}
	pr, pw := io.Pipe()
	p := &fakeProc{out: pr, w: pw, greeting: strings.Join(spec.Cmd, " "), greeted: make(chan struct{})}
	r.mu.Lock()
	r.specs, r.procs = append(r.specs, spec), append(r.procs, p)
	r.mu.Unlock()
	go func() { // ends once the session reads the greeting (or closes the process)
		_, _ = pw.Write([]byte("$ " + p.greeting + "\r\n"))
		close(p.greeted)
	}()
	return p, nil
}

// fakeProc is a line-echoing terminal program: "exit N" ends it with status N.
type fakeProc struct {
	out      *io.PipeReader
	w        *io.PipeWriter
	greeting string
	greeted  chan struct{} // closed once the greeting is out: echoes come after it

	mu    sync.Mutex
	line  []byte
	code  int
	sizes []string
}

func (p *fakeProc) Read(b []byte) (int, error) { return p.out.Read(b) }

func (p *fakeProc) Write(b []byte) (int, error) {
	<-p.greeted
	for _, c := range b {
		if c != '\r' && c != '\n' {
			p.mu.Lock()
			p.line = append(p.line, c)
			p.mu.Unlock()
			continue
		}
		p.mu.Lock()
		line := string(p.line)
		p.line = nil
		p.mu.Unlock()
		if n, ok := strings.CutPrefix(line, "exit "); ok {
			code, _ := strconv.Atoi(n)
			p.mu.Lock()
			p.code = code
			p.mu.Unlock()
			_, _ = p.w.Write([]byte("bye\r\n"))
			_ = p.w.Close()
			continue
		}
		if _, err := p.w.Write([]byte("got: " + line + "\r\n")); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

func (p *fakeProc) Close() error { return p.w.CloseWithError(io.ErrClosedPipe) }

func (p *fakeProc) Resize(_ context.Context, cols, rows uint) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sizes = append(p.sizes, fmt.Sprintf("%dx%d", cols, rows))
	return nil
}

func (p *fakeProc) Wait(context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.code, nil
}

// fakeSessions is one session, "s1" with token "tok".
type fakeSessions struct {
	target ecs.ExecTarget
	mu     sync.Mutex
	opened int
	closed chan closeReport
	cancel func()
}

type closeReport struct {
	code int
	err  error
}

func (f *fakeSessions) OpenExecSession(id, token string, cancel func()) (ecs.ExecTarget, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != "s1" || token != "tok" || f.opened > 0 {
		return ecs.ExecTarget{}, fmt.Errorf("session %s: bad or used token", id)
	}
	f.opened++
	f.cancel = cancel
	t := f.target
	t.SessionID = id
	return t, nil
}

func (f *fakeSessions) CloseExecSession(_ string, code int, err error) {
	f.closed <- closeReport{code, err}
}
