package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Version is set at build time (-ldflags "-X github.com/ecsmini/ecsmini/internal/cli.Version=...").
var Version = "dev"

// DefaultListen is where ecsmini serves when told nothing else: loopback, on a port no
// common AWS emulator uses (LocalStack is 4566, moto 5000).
const DefaultListen = "127.0.0.1:4599"

// exitError carries a specific exit code out of a command.
type exitError struct {
	code int
	err  error
}

// Error is the message Main prints; a nil err is a silent exit with code (the status
// of a command ecsmini ran, which has said what it had to say).
func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// Main runs ecsmini with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ee.code
	}
	fmt.Fprintln(stderr, "ecsmini:", oneLine(err.Error()))
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ecsmini",
		Short: "Amazon ECS on your laptop: the real ECS API, tasks as local containers",
		Long: `ecsmini serves the Amazon ECS API from an in-memory control plane, so the AWS CLI,
the SDKs and Terraform work against it unchanged.

Start it with 'ecsmini up', then point any AWS tool at it: eval "$(ecsmini env)".`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newUpCmd(), newEnvCmd(), newVersionCmd(), newWorkloadCmd(), newImageCmd(), newLogsCmd())
	root.AddCommand(newPsCmd(), newDownCmd(), newClockCmd())
	root.AddCommand(newSpotCmd(), newRetireCmd())
	root.AddCommand(newCostCmd())
	root.AddCommand(newEventsCmd())
	root.AddCommand(newInstanceCmd(), newASGCmd(), newAgentCmd())
	root.AddCommand(newImportCmd(), newConvertCmd(), newDemoCmd())
	root.AddCommand(newDashCmd())
	root.AddCommand(newExecCmd())
	root.AddCommand(newDiscoveryCmd())
	root.AddCommand(newHookCmd(), newAlarmCmd())
	return root
}

// getenv returns the first non-empty environment variable of names.
func getenv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// oneLine joins the lines of an error message (cobra's "Did you mean this?", joined
// errors, a hint on its own line) into one, as the CLI conventions want: a line that
// ends without punctuation is followed by ";".
func oneLine(msg string) string {
	var b strings.Builder
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if b.Len() > 0 {
			if s := b.String(); !strings.ContainsAny(s[len(s)-1:], ".?!:;,") {
				b.WriteByte(';')
			}
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}
