package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

func newSpotCmd() *cobra.Command {
	var endpoint, cluster string
	cmd := &cobra.Command{
		Use:   "spot",
		Short: "Simulate Spot: take Fargate Spot capacity away, interrupt Spot tasks and EC2 Spot instances",
		Long: `Simulate what AWS does to Fargate Spot tasks, on a running ecsmini.

  ecsmini spot capacity [on|off]         show, restore or remove a cluster's Spot capacity:
                                         without it new FARGATE_SPOT tasks wait in PROVISIONING
                                         (no fallback to on-demand) until it returns
  ecsmini spot interrupt TASK...         reclaim running Spot tasks: the two-minute warning
  ecsmini spot interrupt --service S     (desiredStatus STOPPED, stopCode SpotInterruption,
                                         "Your Spot Task was interrupted."), SIGTERM to the
                                         containers, SIGKILL after their stopTimeout; a service
                                         starts replacements

  ecsmini spot interrupt-instance ID...  give EC2 Spot instances their two-minute notice:
                                         DRAINING, then terminated

'ecsmini up --spot-interruption-rate 30m' also reclaims Spot tasks at random, and
'--spot-instance-interruption-rate' EC2 Spot instances.`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	cmd.PersistentFlags().StringVar(&cluster, "cluster", "default", "cluster name or ARN")

	capacity := &cobra.Command{
		Use:   "capacity [on|off]",
		Short: "Show, restore (on) or remove (off) a cluster's Fargate Spot capacity",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := newClient(endpointURL(endpoint))
			var out ecsminiapi.SpotCapacity
			var err error
			switch {
			case len(args) == 0:
				out, err = c.SpotCapacity(cmd.Context(), cluster)
			case args[0] == "on" || args[0] == "off":
				out, err = c.SetSpotCapacity(cmd.Context(), cluster, args[0] == "on")
			default:
				return fmt.Errorf("spot capacity %q: want on or off", args[0])
			}
			if err != nil {
				return err
			}
			state := "available"
			if out.Available != nil && !*out.Available {
				state = "unavailable (new FARGATE_SPOT tasks wait in PROVISIONING)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "cluster %s: Fargate Spot capacity %s\n", out.Cluster, state)
			return nil
		},
	}
	var service string
	var count int
	interrupt := &cobra.Command{
		Use:   "interrupt [TASK...]",
		Short: "Interrupt running Fargate Spot tasks, as AWS reclaims capacity",
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 0) == (service == "") {
				return fmt.Errorf("name the tasks to interrupt, or --service, not both")
			}
			in := ecsminiapi.SpotInterrupt{Cluster: cluster, Tasks: args, Service: service, Count: count}
			out, err := newClient(endpointURL(endpoint)).InterruptSpot(cmd.Context(), in)
			if err != nil {
				return err
			}
			for _, arn := range out.Interrupted {
				fmt.Fprintf(cmd.OutOrStdout(), "interrupted %s\n", arn)
			}
			return nil
		},
	}
	interrupt.Flags().StringVar(&service, "service", "", "interrupt the running Spot tasks of this service")
	interrupt.Flags().IntVar(&count, "count", 0, "with --service, at most this many tasks (0: all)")
	interruptInstance := &cobra.Command{
		Use:   "interrupt-instance INSTANCE...",
		Short: "Give EC2 Spot instances their two-minute interruption notice",
		Long: `Give simulated EC2 Spot instances (ecsmini instance add --spot, or a Spot Auto Scaling
group) EC2's two-minute interruption notice: ECS sets each instance DRAINING (as with
ECS_ENABLE_SPOT_INSTANCE_DRAINING), services move their tasks elsewhere, and when the
notice ends the instance terminates and its remaining tasks stop.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := ecsminiapi.InstanceRefs{Cluster: cluster, Instances: args}
			out, err := newClient(endpointURL(endpoint)).InterruptSpotInstances(cmd.Context(), in)
			if err != nil {
				return err
			}
			for _, ci := range out.ContainerInstances {
				fmt.Fprintf(cmd.OutOrStdout(), "interrupted %s (container instance %s): DRAINING, terminates in 2 minutes\n",
					ci.Ec2InstanceId, instanceID(ci.ContainerInstanceArn))
			}
			return nil
		},
	}
	cmd.AddCommand(capacity, interrupt, interruptInstance)
	return cmd
}
