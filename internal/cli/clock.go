package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
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
			var req *clockRequest
			switch {
			case len(args) == 0:
			case len(args) == 2 && args[0] == "advance":
				if _, err := parseSpan(args[1]); err != nil {
					return err
				}
				req = &clockRequest{Advance: args[1]}
			case len(args) == 2 && args[0] == "scale":
				n, err := strconv.ParseFloat(args[1], 64)
				if err != nil || n <= 0 {
					return fmt.Errorf("scale %q: want a positive number", args[1])
				}
				req = &clockRequest{Scale: &n}
			default:
				return fmt.Errorf("usage: ecsmini clock [advance SPAN | scale N]")
			}
			u := endpointURL(endpoint)
			if _, err := probe(cmd.Context(), u, 2*time.Second); err != nil {
				return err
			}
			st, err := clockCall(cmd, u+clockPath, req)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (scale %g)\n", st.Now.Format(time.RFC3339), st.Scale)
			return nil
		},
	}
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, http://"+DefaultListen+")")
	return cmd
}

func clockCall(cmd *cobra.Command, url string, req *clockRequest) (*clockState, error) {
	method, body := http.MethodGet, io.Reader(nil)
	if req != nil {
		b, _ := json.Marshal(req)
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	r, err := http.NewRequestWithContext(cmd.Context(), method, url, body)
	if err != nil {
		return nil, err
	}
	resp, err := localHTTP.Do(r)
	if err != nil {
		return nil, fmt.Errorf("clock: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("this ecsmini has no controllable clock (HTTP 404); upgrade it")
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("clock: %s", strings.TrimSpace(string(raw)))
	}
	var st clockState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("clock: %w", err)
	}
	return &st, nil
}
