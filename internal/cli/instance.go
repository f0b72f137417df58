package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

func newInstanceCmd() *cobra.Command {
	var endpoint, cluster string
	cmd := &cobra.Command{
		Use:   "instance",
		Short: "Simulated EC2 container instances: add, remove, list, instance types",
		Long: `Launch and terminate simulated EC2 instances whose agent registers them with a cluster.

Once a cluster has container instances, its EC2 tasks are placed on them as ECS places
them (resources, ports, placement strategies and constraints), and each instance's
remaining CPU and memory follow its tasks. Tasks still run as containers on the local
Docker Engine; the instance decides where they would run. Drain an instance with
'aws ecs update-container-instances-state --status DRAINING'.`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	cmd.PersistentFlags().StringVar(&cluster, "cluster", "default", "cluster name or ARN")

	var add ecsminiapi.InstanceAdd
	var attrs []string
	addCmd := &cobra.Command{
		Use:   "add",
		Short: "Launch simulated EC2 instances into a cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			add.Cluster = cluster
			add.Attributes = map[string]string{}
			for _, a := range attrs {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					return fmt.Errorf("--attribute %q: want NAME=VALUE", a)
				}
				add.Attributes[k] = v
			}
			out, err := newClient(endpointURL(endpoint)).AddInstances(cmd.Context(), add)
			if err != nil {
				return err
			}
			for _, ci := range out.ContainerInstances {
				if add.External {
					fmt.Fprintf(cmd.OutOrStdout(), "added external instance %s (container instance %s)\n", ci.Ec2InstanceId, instanceID(ci.ContainerInstanceArn))
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (container instance %s): %s in %s\n", ci.Ec2InstanceId,
					instanceID(ci.ContainerInstanceArn), attribute(ci, "ecs.instance-type"), attribute(ci, "ecs.availability-zone"))
			}
			return nil
		},
	}
	addCmd.Flags().StringVar(&add.Type, "type", "m5.large", "instance type (see 'ecsmini instance types')")
	addCmd.Flags().StringVar(&add.AZ, "az", "", "availability zone (default the region's a zone)")
	addCmd.Flags().BoolVar(&add.Spot, "spot", false, "a Spot instance, which 'ecsmini spot interrupt-instance' can reclaim")
	addCmd.Flags().IntVar(&add.Count, "count", 1, "how many instances")
	addCmd.Flags().BoolVar(&add.External, "external", false, "an ECS Anywhere instance (mi-… ID, EXTERNAL tasks only, no awsvpc) instead of an EC2 instance")
	addCmd.Flags().StringArrayVar(&attrs, "attribute", nil, "custom attribute NAME=VALUE, as ECS_INSTANCE_ATTRIBUTES sets them (repeatable)")

	removeCmd := &cobra.Command{
		Use:   "remove INSTANCE...",
		Short: "Terminate simulated instances (EC2 instance ID, container instance ID or ARN)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := newClient(endpointURL(endpoint)).RemoveInstances(cmd.Context(), ecsminiapi.InstanceRefs{Cluster: cluster, Instances: args})
			if err != nil {
				return err
			}
			for _, ci := range out.ContainerInstances {
				fmt.Fprintf(cmd.OutOrStdout(), "terminated %s (container instance %s)\n", ci.Ec2InstanceId, instanceID(ci.ContainerInstanceArn))
			}
			return nil
		},
	}

	lsCmd := &cobra.Command{
		Use:   "ls",
		Short: "List a cluster's container instances with their remaining resources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cis, err := newClient(endpointURL(endpoint)).ContainerInstances(cmd.Context(), cluster)
			if err != nil {
				return err
			}
			return printInstances(cmd.OutOrStdout(), cis)
		},
	}

	typesCmd := &cobra.Command{
		Use:   "types",
		Short: "List the instance types ecsmini simulates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "TYPE\tVCPU\tMEMORY MiB\tREGISTERED CPU\tREGISTERED MEMORY\tARCH\tAWSVPC TASKS")
			for _, it := range ec2sim.InstanceTypes() {
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%s\t%d\n", it.Name, it.VCPU, it.MemoryMiB, it.CPUUnits(), it.RegisteredMemory(), it.Arch, it.TaskENIs())
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(addCmd, removeCmd, lsCmd, typesCmd, newJoinTokenCmd(&endpoint))
	return cmd
}

func printInstances(w io.Writer, cis []*ecs.ContainerInstance) error {
	if len(cis) == 0 {
		fmt.Fprintln(w, "no container instances")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTAINER INSTANCE\tEC2 INSTANCE\tTYPE\tZONE\tSTATUS\tCPU FREE\tMEMORY FREE\tRUNNING\tPENDING\tPROVIDER")
	for _, ci := range cis {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d/%d\t%d/%d\t%d\t%d\t%s\n", instanceID(ci.ContainerInstanceArn), ci.Ec2InstanceId,
			attribute(ci, "ecs.instance-type"), attribute(ci, "ecs.availability-zone"), ci.Status,
			resourceValue(ci.RemainingResources, "CPU"), resourceValue(ci.RegisteredResources, "CPU"),
			resourceValue(ci.RemainingResources, "MEMORY"), resourceValue(ci.RegisteredResources, "MEMORY"),
			ci.RunningTasksCount, ci.PendingTasksCount, dashIfEmpty(ci.CapacityProviderName))
	}
	return tw.Flush()
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// instanceID is the container instance ID of an ARN.
func instanceID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// attribute is an instance attribute's value ("" if absent).
func attribute(ci *ecs.ContainerInstance, name string) string {
	for _, a := range ci.Attributes {
		if a.Name == name {
			return ecs.Deref(a.Value)
		}
	}
	return ""
}

// resourceValue is an integer resource of a list ("CPU", "MEMORY").
func resourceValue(rs []ecs.Resource, name string) int {
	for _, r := range rs {
		if r.Name == name {
			return r.IntegerValue
		}
	}
	return 0
}
