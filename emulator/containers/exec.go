package containers

import (
	"context"
	"errors"
	"io"
)

// ErrExecUnsupported: the runtime has no process to run a command in (the simulated
// runtime's containers are records, not processes). The wrapped message says so to the
// user.
var ErrExecUnsupported = errors.New("exec is not supported by this runtime")

// ErrNotRunning: the container exists but is not running, so nothing can be run in it.
var ErrNotRunning = errors.New("container is not running")

// Execer runs extra processes in running containers (ECS Exec, `ecsmini exec`); it is
// part of Runtime, named apart so the exec data channel can ask for only this.
type Execer interface {
	// Exec starts spec.Cmd in the running container id and returns the attached
	// process. A stopped container is ErrNotRunning, an unknown one ErrNotFound, a
	// runtime without processes ErrExecUnsupported. A command that cannot be found in
	// the container is not an error here: the process reports it and exits non-zero, as
	// `docker exec` does.
	Exec(ctx context.Context, id string, spec ExecSpec) (Process, error)
}

// ExecSpec is a process to run in a container.
type ExecSpec struct {
	Cmd []string
	// TTY gives the process a terminal: its output is then one stream, and Resize works.
	TTY bool
	// Cols and Rows are the terminal's first size (0: the engine's default).
	Cols, Rows uint
	Env        []string
}

// Process is a process started by Exec. Read returns its output (stdout and stderr
// interleaved) until it ends (io.EOF); Write feeds its stdin. Close detaches from it
// (ending it when its terminal goes). Wait returns its exit code once it has ended;
// call it after Read has returned io.EOF.
type Process interface {
	io.ReadWriteCloser
	Resize(ctx context.Context, cols, rows uint) error
	Wait(ctx context.Context) (int, error)
}
