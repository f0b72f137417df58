package dockerrt

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Exec runs spec.Cmd in a running container, attached: `docker exec -i [-t]`.
func (e *Engine) Exec(ctx context.Context, id string, spec containers.ExecSpec) (containers.Process, error) {
	st, err := e.Inspect(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.Status != containers.Running {
		return nil, fmt.Errorf("exec in %s: %w (%s)", id, containers.ErrNotRunning, st.Status)
	}
	var size *[2]uint
	if spec.TTY && spec.Cols > 0 && spec.Rows > 0 {
		size = &[2]uint{spec.Rows, spec.Cols}
	}
	created, err := e.cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		Cmd: spec.Cmd, Env: spec.Env, Tty: spec.TTY, ConsoleSize: size,
		AttachStdin: true, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return nil, wrapErr(fmt.Sprintf("exec create in %s", id), err, false)
	}
	att, err := e.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{Tty: spec.TTY, ConsoleSize: size})
	if err != nil {
		return nil, wrapErr(fmt.Sprintf("exec attach %s", created.ID), err, false)
	}
	p := &process{e: e, execID: created.ID, conn: att.Conn, out: att.Reader}
	if size != nil {
		// Engines before API 1.42 ignore ConsoleSize: size the running exec as the
		// Docker CLI does, once it has started (a failure leaves the engine's default).
		for try := 0; try < 3; try++ {
			if p.Resize(ctx, spec.Cols, spec.Rows) == nil || waitBriefly(ctx) != nil {
				break
			}
		}
	}
	if !spec.TTY {
		// Without a terminal the engine multiplexes stdout and stderr on one stream.
		pr, pw := io.Pipe()
		go func() { // ends when the process's output ends or the connection closes
			_, err := stdcopy.StdCopy(pw, pw, att.Reader)
			pw.CloseWithError(err)
		}()
		p.out = pr
	}
	return p, nil
}

// process is an attached `docker exec` process.
type process struct {
	e      *Engine
	execID string
	conn   net.Conn
	out    io.Reader
	once   sync.Once
}

func (p *process) Read(b []byte) (int, error)  { return p.out.Read(b) }
func (p *process) Write(b []byte) (int, error) { return p.conn.Write(b) }

// Close detaches; a process whose terminal is gone gets SIGHUP from the kernel.
func (p *process) Close() error {
	var err error
	p.once.Do(func() { err = p.conn.Close() })
	return err
}

func (p *process) Resize(ctx context.Context, cols, rows uint) error {
	err := p.e.cli.ContainerExecResize(ctx, p.execID, container.ResizeOptions{Width: cols, Height: rows})
	return wrapErr("exec resize "+p.execID, err, false)
}

// Wait polls the engine until the exec has ended (its output closing comes just before
// the engine records the exit code) and returns the exit code.
func (p *process) Wait(ctx context.Context) (int, error) {
	for {
		in, err := p.e.cli.ContainerExecInspect(ctx, p.execID)
		if err != nil {
			return 0, wrapErr("exec inspect "+p.execID, err, false)
		}
		if !in.Running {
			return in.ExitCode, nil
		}
		if err := waitBriefly(ctx); err != nil {
			return 0, err
		}
	}
}

// execPollInterval is how often Wait asks the engine whether an exec has ended. This
// polls the real engine in real time, so it reads the wall clock rather than ecsmini's.
const execPollInterval = 20 * time.Millisecond

func waitBriefly(ctx context.Context) error {
	t := time.NewTimer(execPollInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
