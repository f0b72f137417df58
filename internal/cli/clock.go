package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

func newClockCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "clock [advance SPAN | scale N]",
		Short: "Show or move the clock of a running ecsmini",
		Long: `Show the emulator's clock, jump it forward, or change how fast it runs. Everything
time-driven follows it: timestamps, task timers on the simulated runtime, deadlines. A
7-day wait is crossed with 'ecsmini clock advance 7d'. Docker's own stop timeouts stay real.

  ecsmini clock                 the current emulated time and scale
  ecsmini clock advance 7d      jump forward (spans like 90s, 15m, 2h, 7d, 1d12h)
  ecsmini clock scale 60        run 60 times as fast from now on`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req *ecsminiapi.ClockRequest
			switch {
			case len(args) == 0:
			case len(args) == 2 && args[0] == "advance":
				if _, err := ecsminiapi.ParseSpan(args[1]); err != nil {
					return err
				}
				req = &ecsminiapi.ClockRequest{Advance: args[1]}
			case len(args) == 2 && args[0] == "scale":
				n, err := strconv.ParseFloat(args[1], 64)
				if err != nil || n <= 0 {
					return fmt.Errorf("scale %q: want a positive number", args[1])
				}
				req = &ecsminiapi.ClockRequest{Scale: &n}
			default:
				return fmt.Errorf("usage: ecsmini clock [advance SPAN | scale N]")
			}
			u := endpointURL(endpoint)
			if _, err := probe(cmd.Context(), u, 2*time.Second); err != nil {
				return err
			}
			c := newClient(u)
			var st ecsminiapi.ClockState
			var err error
			if req == nil {
				st, err = c.Clock(cmd.Context())
			} else {
				st, err = c.MoveClock(cmd.Context(), *req)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (scale %g)\n", st.Now.Format(time.RFC3339), st.Scale)
			return nil
		},
	}
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	return cmd
}
