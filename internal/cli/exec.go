package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/execchannel"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

type execOptions struct {
	endpoint  string
	cluster   string
	container string
}

// defaultExecCommand is what `ecsmini exec` runs without a command, as people run
// `aws ecs execute-command --command /bin/sh`.
const defaultExecCommand = "/bin/sh"

func newExecCmd() *cobra.Command {
	var o execOptions
	cmd := &cobra.Command{
		Use:   "exec TASK [-- COMMAND [ARG...]]",
		Short: "Run a command (default a shell) in a task's container, as ECS Exec does, and exit with its status",
		Long: `Open an ECS Exec session in a running task's container, like 'aws ecs execute-command
--interactive', without the AWS CLI or the session-manager-plugin, and exit with the
command's exit status (the plugin always exits 0). The task must have been started with
enableExecuteCommand (run-task --enable-execute-command, or a service with it).

TASK is a task ARN, a task ID or the start of one. The command runs on a terminal in the
container; it is not run by a shell, so write '-- sh -c "a | b"' for pipes. The ecsmini
image has no shell: '-- /ecsmini workload sh -i' is a tiny one.`,
		Example: `  ecsmini exec 3f2a -- /bin/sh
  ecsmini exec --cluster web 3f2a --container app -- cat /etc/hosts
  ecsmini exec 3f2a -- /ecsmini workload sh -c "echo hello"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			command := defaultExecCommand
			if len(args) > 1 {
				command = joinCommand(args[1:])
			}
			code, err := runExec(cmd.Context(), o, args[0], command, cmd.InOrStdin(), cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&o.cluster, "cluster", "default", "the task's cluster (taken from TASK when it is an ARN)")
	f.StringVar(&o.container, "container", "", "the container to run in (needed when the task has several)")
	return cmd
}

// runExec opens the session and copies the terminal both ways until the command ends.
func runExec(ctx context.Context, o execOptions, task, command string, stdin io.Reader, stdout io.Writer) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	c := newClient(endpointURL(o.endpoint))
	cluster, taskRef, err := resolveExecTask(ctx, c, o.cluster, task)
	if err != nil {
		return 0, err
	}
	var out ecs.ExecuteCommandOutput
	in := ecs.ExecuteCommandInput{Cluster: cluster, Task: taskRef, Container: o.container, Command: command, Interactive: true}
	if err := c.Call(ctx, "ExecuteCommand", in, &out); err != nil {
		return 0, err
	}
	opts := execchannel.ClientOptions{Stdin: stdin, Stdout: stdout}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		state, err := term.MakeRaw(f.Fd())
		if err != nil {
			return 0, fmt.Errorf("terminal raw mode: %w", err)
		}
		defer func() { _ = term.Restore(f.Fd(), state) }()
		sizes := make(chan ssmsession.SizeContent, 1)
		stop := watchSize(f, sizes)
		defer stop()
		opts.Sizes = sizes
	}
	return execchannel.Attach(ctx, out.Session.StreamURL, out.Session.TokenValue, opts)
}

// watchSize sends the terminal's size now and on every SIGWINCH until stop.
func watchSize(f *os.File, sizes chan ssmsession.SizeContent) (stop func()) {
	send := func() {
		w, h, err := term.GetSize(f.Fd())
		if err != nil || w <= 0 || h <= 0 {
			return
		}
		select {
		case sizes <- ssmsession.SizeContent{Cols: uint32(w), Rows: uint32(h)}:
		default: // the previous size is still queued; the next signal sends the latest
		}
	}
	send()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() { // ends when stop is called
		for {
			select {
			case <-winch:
				send()
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
	}
}

// resolveExecTask finds the cluster and task: an ARN names both; otherwise an ID or the
// unique start of one among the cluster's tasks.
func resolveExecTask(ctx context.Context, c *ecsminiapi.Client, cluster, task string) (string, string, error) {
	if a, ok := ecs.ParseARN(task); ok {
		if cl, _, found := strings.Cut(a.Path(), "/"); found {
			cluster = cl
		}
		return cluster, task, nil
	}
	arns, err := c.ListTasks(ctx, ecs.ListTasksInput{Cluster: cluster, DesiredStatus: "RUNNING"})
	if err != nil {
		return "", "", err
	}
	var matches []string
	for _, arn := range arns {
		id := arn[strings.LastIndexByte(arn, '/')+1:]
		if id == task {
			return cluster, arn, nil
		}
		if strings.HasPrefix(id, task) {
			matches = append(matches, arn)
		}
	}
	switch len(matches) {
	case 1:
		return cluster, matches[0], nil
	case 0:
		return "", "", fmt.Errorf("no running task %q in cluster %s", task, cluster)
	}
	return "", "", fmt.Errorf("%q matches %d running tasks in cluster %s; give more of its ID", task, len(matches), cluster)
}

// joinCommand writes argv as one command line that ECS Exec splits back into the same
// words (single quotes around words that need them).
func joinCommand(argv []string) string {
	words := make([]string, len(argv))
	for i, w := range argv {
		if w != "" && !strings.ContainsAny(w, " \t\n'\"\\$`|&;<>()*?[]#~=%{}") {
			words[i] = w
			continue
		}
		words[i] = "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
	}
	return strings.Join(words, " ")
}
