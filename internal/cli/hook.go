package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/hooks"
)

func newHookCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Answer ECS deployment lifecycle hooks locally: map a hook's Lambda ARN to an HTTP endpoint or a command",
		Long: `A deployment lifecycle hook names a Lambda function (hookTargetArn). On a running
ecsmini, map that ARN to a local HTTP endpoint (the hook's payload is POSTed as JSON and
the response's {"hookStatus": "SUCCEEDED"|"FAILED"|"IN_PROGRESS"} is the answer; a 2xx
without one succeeds) or to a command (cmd:COMMAND: the payload on stdin, the answer on
stdout, else exit status 0 succeeds and anything else fails). A hook whose ARN is not
mapped succeeds. Mappings are kept in the state directory; 'ecsmini up --hook' sets them
at start.`,
		Example: `  ecsmini hook set arn:aws:lambda:us-east-1:000000000000:function:smoke=http://127.0.0.1:9000/hook
  ecsmini hook set arn:aws:lambda:us-east-1:000000000000:function:gate=cmd:./gate.sh --strict
  ecsmini hook list
  ecsmini hook rm arn:aws:lambda:us-east-1:000000000000:function:gate`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	cmd.AddCommand(&cobra.Command{
		Use:   "set ARN=http://…|ARN=cmd:COMMAND…",
		Short: "Map a hook target ARN to an endpoint or a command",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The command's own words may follow unquoted: set ARN=cmd:./gate.sh --strict.
			m := args[0]
			for _, a := range args[1:] {
				m += " " + a
			}
			t, err := hooks.ParseMapping(m)
			if err != nil {
				return err
			}
			if _, err := newClient(endpointURL(endpoint)).SetHook(cmd.Context(), t); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.String())
			return nil
		},
	}, &cobra.Command{
		Use:   "list",
		Short: "List the hook mappings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := newClient(endpointURL(endpoint)).Hooks(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "HOOK TARGET ARN\tANSWERED BY")
			for _, t := range out.Hooks {
				by := t.URL
				if t.Command != "" {
					by = "cmd:" + t.Command
				}
				fmt.Fprintf(w, "%s\t%s\n", t.ARN, by)
			}
			return w.Flush()
		},
	}, &cobra.Command{
		Use:   "rm ARN",
		Short: "Remove a hook mapping (the hook then succeeds)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := newClient(endpointURL(endpoint)).RemoveHook(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if !out.Removed {
				return fmt.Errorf("no hook mapping for %s", args[0])
			}
			return nil
		},
	})
	return cmd
}
