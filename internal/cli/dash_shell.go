package cli

import (
	"context"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Shell is the dashboard's `e`: `ecsmini exec` into the selected task, run in this
// process while the dashboard lends it the terminal (tea.Exec).
func (a dashActions) Shell(cluster, taskARN string) (tea.ExecCommand, error) {
	return &execShell{o: execOptions{endpoint: a.src.endpoint, cluster: cluster}, src: a.src, task: taskARN}, nil
}

// execShell is one ECS Exec session with the default command (a shell) in a task's
// first running container.
type execShell struct {
	o      execOptions
	src    *dashSource
	task   string
	stdin  io.Reader
	stdout io.Writer
}

func (s *execShell) SetStdin(r io.Reader)  { s.stdin = r }
func (s *execShell) SetStdout(w io.Writer) { s.stdout = w }
func (s *execShell) SetStderr(io.Writer)   {}

// Run opens the session and returns when the shell ends; a non-zero exit status is an
// error, which the dashboard shows on its status line.
func (s *execShell) Run() error {
	ctx := context.Background()
	if s.o.container == "" {
		s.o.container = s.firstRunningContainer(ctx)
	}
	fmt.Fprintf(s.stdout, "ecsmini: ECS Exec into task %s, container %s; exit the shell to return to the dashboard\r\n",
		s.task[len(s.task)-min(len(s.task), 32):], s.o.container)
	code, err := runExec(ctx, s.o, s.task, defaultExecCommand, s.stdin, s.stdout)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("the shell exited with status %d", code)
	}
	return nil
}

// firstRunningContainer names the task's first RUNNING container, or "" (ExecuteCommand
// then says which it needs).
func (s *execShell) firstRunningContainer(ctx context.Context) string {
	tasks, err := s.src.c.DescribeTasks(ctx, s.o.cluster, []string{s.task})
	if err != nil || len(tasks) != 1 {
		return ""
	}
	for _, c := range tasks[0].Containers {
		if c.LastStatus == ecs.StatusRunning.String() {
			return c.Name
		}
	}
	return ""
}
