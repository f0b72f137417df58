package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
)

func newASGCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "asg",
		Short: "Simulated EC2 Auto Scaling groups behind ASG capacity providers",
		Long: `Create simulated Auto Scaling groups whose instances join a cluster, then point a
capacity provider at one:

  ecsmini asg create web-asg --cluster prod --type m5.large --max 10
  aws ecs create-capacity-provider --name web-cp --auto-scaling-group-provider \
    'autoScalingGroupArn=web-asg,managedScaling={status=ENABLED,targetCapacity=100}'
  aws ecs put-cluster-capacity-providers --cluster prod --capacity-providers web-cp \
    --default-capacity-provider-strategy capacityProvider=web-cp,weight=1

The capacity provider accepts the group's ARN or, in ecsmini, its name. With managed
scaling, tasks wait in PROVISIONING while the group scales out (every minute, as ECS
evaluates CapacityProviderReservation); idle instances are scaled in after 15 minutes.`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")

	var in emulator.ASGRequest
	var minSize, maxSize, desired int
	var azs string
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a simulated Auto Scaling group",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Name = args[0]
			in.MinSize, in.MaxSize, in.DesiredCapacity = &minSize, &maxSize, &desired
			if azs != "" {
				in.AvailabilityZones = strings.Split(azs, ",")
			}
			out, err := newClient(endpointURL(endpoint)).CreateASG(cmd.Context(), in)
			if err != nil {
				return err
			}
			for _, a := range out.AutoScalingGroups {
				if a.Name == in.Name {
					fmt.Fprintf(cmd.OutOrStdout(), "created %s\narn: %s\n", a.Name, a.ARN)
				}
			}
			return nil
		},
	}
	create.Flags().StringVar(&in.Cluster, "cluster", "", "cluster its instances join (default: the cluster of the capacity provider naming the group, else default)")
	create.Flags().StringVar(&in.InstanceType, "type", "m5.large", "instance type (see 'ecsmini instance types')")
	create.Flags().StringVar(&azs, "azs", "", "availability zones, comma-separated (default the region's a, b and c)")
	create.Flags().BoolVar(&in.Spot, "spot", false, "launch Spot instances")
	create.Flags().IntVar(&minSize, "min", 0, "minimum size")
	create.Flags().IntVar(&maxSize, "max", 10, "maximum size")
	create.Flags().IntVar(&desired, "desired", 0, "desired capacity")

	var upd emulator.ASGRequest
	var uMin, uMax, uDesired int
	set := &cobra.Command{
		Use:   "set NAME",
		Short: "Change a group's sizes, as aws autoscaling update-auto-scaling-group",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			upd.Name = args[0]
			f := cmd.Flags()
			if f.Changed("min") {
				upd.MinSize = &uMin
			}
			if f.Changed("max") {
				upd.MaxSize = &uMax
			}
			if f.Changed("desired") {
				upd.DesiredCapacity = &uDesired
			}
			out, err := newClient(endpointURL(endpoint)).UpdateASG(cmd.Context(), upd)
			if err != nil {
				return err
			}
			return printASGs(cmd.OutOrStdout(), []*emulator.ASG{out})
		},
	}
	set.Flags().IntVar(&uMin, "min", 0, "minimum size")
	set.Flags().IntVar(&uMax, "max", 0, "maximum size")
	set.Flags().IntVar(&uDesired, "desired", 0, "desired capacity")

	ls := &cobra.Command{
		Use:   "ls",
		Short: "List simulated Auto Scaling groups with their scaling state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := newClient(endpointURL(endpoint)).ASGs(cmd.Context())
			if err != nil {
				return err
			}
			return printASGs(cmd.OutOrStdout(), out.AutoScalingGroups)
		},
	}
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a group, terminating its instances",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := newClient(endpointURL(endpoint)).DeleteASG(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, set, ls, del)
	return cmd
}

func printASGs(w io.Writer, all []*emulator.ASG) error {
	if len(all) == 0 {
		fmt.Fprintln(w, "no Auto Scaling groups")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCLUSTER\tTYPE\tMIN\tDESIRED\tMAX\tINSTANCES\tBOOTING\tPROVIDER\tRESERVATION\tWAITING TASKS")
	for _, a := range all {
		provider := dashIfEmpty(a.CapacityProvider)
		if a.CapacityProvider != "" && a.ManagedScaling {
			provider += " (managed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%.0f%%\t%d\n", a.Name, a.Cluster, a.InstanceType, a.MinSize,
			a.DesiredCapacity, a.MaxSize, a.Instances, a.Booting, provider, a.Reservation, a.ProvisioningTasks)
	}
	return tw.Flush()
}
