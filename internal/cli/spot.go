package cli

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
)

type spotCapacity struct {
	Cluster   string `json:"cluster"`
	Available *bool  `json:"available,omitempty"`
}

type spotInterrupt struct {
	Cluster string   `json:"cluster,omitempty"`
	Tasks   []string `json:"tasks,omitempty"`
	Service string   `json:"service,omitempty"`
	Count   int      `json:"count,omitempty"`
}

type spotInterrupted struct {
	Interrupted []string `json:"interrupted"`
}

// spotHandlers mount the Spot endpoints on the API mux.
func spotHandlers(emu *emulator.Emulator, handle func(string, http.Handler)) {
	handle(spotCapacityPath, jsonHandler(true, func(ctx context.Context, in *spotCapacity, r *http.Request) (spotCapacity, error) {
		if r.Method == http.MethodGet {
			in.Cluster = r.URL.Query().Get("cluster")
		}
		if in.Available != nil {
			if err := emu.SetSpotCapacity(ctx, in.Cluster, *in.Available); err != nil {
				return spotCapacity{}, err
			}
		}
		ok, err := emu.SpotCapacity(ctx, in.Cluster)
		return spotCapacity{Cluster: clusterOrDefault(in.Cluster), Available: &ok}, err
	}))
	handle(spotInterruptPath, jsonHandler(false, func(ctx context.Context, in *spotInterrupt, _ *http.Request) (spotInterrupted, error) {
		arns, err := emu.InterruptSpot(ctx, in.Cluster, in.Tasks, in.Service, in.Count)
		return spotInterrupted{Interrupted: nonNilStrings(arns)}, err
	}))
}

func clusterOrDefault(c string) string {
	if c == "" {
		return "default"
	}
	return c
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

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
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, http://"+DefaultListen+")")
	cmd.PersistentFlags().StringVar(&cluster, "cluster", "default", "cluster name or ARN")

	capacity := &cobra.Command{
		Use:   "capacity [on|off]",
		Short: "Show, restore (on) or remove (off) a cluster's Fargate Spot capacity",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in any
			if len(args) == 1 {
				on := args[0] == "on"
				if !on && args[0] != "off" {
					return fmt.Errorf("spot capacity %q: want on or off", args[0])
				}
				in = spotCapacity{Cluster: cluster, Available: &on}
			}
			var out spotCapacity
			path := spotCapacityPath
			if in == nil {
				path += "?cluster=" + cluster
			}
			if err := simCall(cmd.Context(), endpointURL(endpoint), path, in, &out); err != nil {
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
			var out spotInterrupted
			in := spotInterrupt{Cluster: cluster, Tasks: args, Service: service, Count: count}
			if err := simCall(cmd.Context(), endpointURL(endpoint), spotInterruptPath, in, &out); err != nil {
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
			var out instancesOut
			if err := simCall(cmd.Context(), endpointURL(endpoint), spotInterruptInstPath, instanceRefs{Cluster: cluster, Instances: args}, &out); err != nil {
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
