package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

func newAlarmCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "alarm",
		Short: "Show CloudWatch alarms and set their state by hand",
		Long: `ecsmini serves CloudWatch metric alarms (aws cloudwatch put-metric-alarm …) and
evaluates those on the AWS/ECS CPUUtilization and MemoryUtilization of a service on the
emulator clock. 'alarm set' puts an alarm in a state by hand, as SetAlarmState does: it
holds until the next evaluation changes it, and its actions (Application Auto Scaling
step scaling policies) run. An alarm that does not exist yet is created without a metric,
so it only ever changes by hand: use that to rehearse a deployment rolled back on an alarm.`,
		Example: `  ecsmini alarm set web-5xx ALARM --reason "rehearse a rollback"
  ecsmini alarm set web-5xx OK
  ecsmini alarm list`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	var reason string
	set := &cobra.Command{
		Use:   "set NAME ALARM|OK|INSUFFICIENT_DATA",
		Short: "Set an alarm's state (creating an alarm without a metric if there is none)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			state := strings.ToUpper(args[1])
			_, err := newClient(endpointURL(endpoint)).SetAlarm(cmd.Context(), ecsminiapi.AlarmSet{Name: args[0], State: state, Reason: reason})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", args[0], state)
			return nil
		},
	}
	set.Flags().StringVar(&reason, "reason", "", "the StateReason to record (default: set by hand)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the alarms with their state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := newClient(endpointURL(endpoint)).Alarms(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tSTATE\tMETRIC\tSINCE\tREASON")
			for _, a := range out.Alarms {
				metric := "-"
				if a.MetricName != "" {
					metric = a.Namespace + "/" + a.MetricName
					for _, d := range a.Dimensions {
						metric += " " + d.Name + "=" + d.Value
					}
				}
				since := "-"
				if a.StateTransitionedTimestamp != nil {
					since = a.StateTransitionedTimestamp.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", a.AlarmName, a.StateValue, metric, since, a.StateReason)
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(set, list)
	return cmd
}
