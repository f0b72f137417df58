package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

type logsOptions struct {
	endpoint   string
	container  string
	follow     bool
	tail       int
	since      string
	timestamps bool
}

func newLogsCmd() *cobra.Command {
	o := logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs TASK",
		Short: "Print a task's container output (stdout and stderr)",
		Long: `Print the output of a task's containers, kept by the running ecsmini for every task
container it starts, running or stopped. TASK is a task ARN, a task ID or the start of
one (such as the short ID ecsmini ps shows). With several
containers each line is prefixed with its container's name, as docker compose does.

With an awslogs logConfiguration the same lines also go to ecsmini's CloudWatch Logs,
in the awslogs-group, stream PREFIX/CONTAINER/TASK-ID, where 'aws logs' reads them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogs(cmd.Context(), o, args[0], cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&o.container, "container", "", "only this container's output")
	f.BoolVarP(&o.follow, "follow", "f", false, "keep printing new output until the containers exit")
	f.IntVar(&o.tail, "tail", -1, "only the last N lines of each container (-1: all)")
	f.StringVar(&o.since, "since", "", "only lines since an RFC 3339 time or a duration ago (e.g. 10m)")
	f.BoolVarP(&o.timestamps, "timestamps", "t", false, "prefix each line with the time ecsmini read it")
	return cmd
}

func runLogs(ctx context.Context, o logsOptions, task string, stdout io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	base := endpointURL(o.endpoint)
	if _, err := probe(ctx, base, 2*time.Second); err != nil {
		return err
	}
	body, err := newClient(base).Logs(ctx, ecsminiapi.LogsQuery{Task: task, Container: o.container, Follow: o.follow,
		Tail: o.tail, Since: o.since, Timestamps: o.timestamps})
	if err != nil {
		return err
	}
	defer body.Close()
	if _, err := io.Copy(stdout, body); err != nil && ctx.Err() == nil {
		return fmt.Errorf("logs from %s: %w", base, err)
	}
	return nil
}
