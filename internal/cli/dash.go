package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/tui"
)

func newDashCmd() *cobra.Command {
	var endpoint string
	o := dashOptions{}
	cmd := &cobra.Command{
		Use:   "dash",
		Short: "Open the dashboard on a running ecsmini",
		Long: `Open the terminal dashboard on an ecsmini that is already running (over its API and
event stream), so that ecsmini can run headless ('ecsmini up --no-tui') in one terminal
and be watched from another. Press ? in the dashboard for its keys.

When stdout is not a terminal, dash prints one plain line per task, service and
instance change instead (with -o json, the event stream as JSON lines).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base := endpointURL(endpoint)
			if _, err := probe(cmd.Context(), base, 2*time.Second); err != nil {
				return err
			}
			_, err := runDashboardOrLines(cmd.Context(), base, cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, http://"+DefaultListen+")")
	f.StringVar(&o.Cluster, "cluster", "", "cluster to show first (default: default, else the first)")
	f.BoolVar(&o.NoTUI, "no-tui", false, "print plain lines even on a terminal")
	f.VarP((*outputFlag)(&o.Output), "output", "o", "without the dashboard: text (plain lines) or json (the event stream)")
	return cmd
}

// dashOptions tune runDashboardOrLines.
type dashOptions struct {
	// Cluster is the cluster the dashboard shows first.
	Cluster string
	// NoTUI prints plain lines even on a terminal.
	NoTUI bool
	// Output is "" or "text" (plain lines) or "json" (the event stream as JSON lines,
	// which also means no dashboard).
	Output string
	// Stdin is the dashboard's keyboard (default os.Stdin).
	Stdin *os.File
	// Notes are the compose watcher's and the demo's lines, shown in the dashboard.
	Notes <-chan tui.Note
	// StopsEcsmini says that quitting the dashboard stops ecsmini and its tasks (up,
	// demo), so q asks first.
	StopsEcsmini bool
}

// runDashboardOrLines shows the ecsmini at endpoint: the dashboard when stdout and
// stdin are terminals (unless opts say otherwise), else plain progress lines, one per
// task, service or instance change (or, with Output "json", the event stream as JSON
// lines). It returns when the user quits the dashboard (quit is true) or when ctx ends
// (nil error: the caller stopped it). `ecsmini up`, `ecsmini dash` and `ecsmini demo`
// call it; the caller has already printed how to reach the endpoint.
func runDashboardOrLines(ctx context.Context, endpoint string, stdout, stderr io.Writer, opts dashOptions) (quit bool, err error) {
	switch opts.Output {
	case "", "text", "json":
	default:
		return false, fmt.Errorf("--output must be text or json, not %q", opts.Output)
	}
	in := opts.Stdin
	if in == nil {
		in = os.Stdin
	}
	if opts.NoTUI || opts.Output == "json" || !isTerminal(stdout) || !isTerminal(in) {
		return false, printProgress(ctx, endpoint, stdout, opts.Output == "json")
	}
	src := newDashSource(endpoint)
	out := lockedOutput(stdout)
	to := tui.Options{Context: ctx, Cluster: opts.Cluster, Colour: colourWanted(), Notes: opts.Notes, Clipboard: osc52(out)}
	if opts.StopsEcsmini {
		to.ConfirmQuit = "quit: stop ecsmini and every task?"
	}
	m := tui.New(src, dashActions{src: src}, to)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err = p.Run()
	switch {
	case errors.Is(err, tea.ErrProgramKilled) || ctx.Err() != nil:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("dashboard: %w", err)
	}
	return true, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// colourWanted honours NO_COLOR (https://no-color.org) and dumb terminals.
func colourWanted() bool {
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
