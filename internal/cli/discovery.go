package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// applyDiscoveryMaps applies up's --discovery-map ARN=NAME flags.
func applyDiscoveryMaps(emu *emulator.Emulator, maps []string) error {
	for _, m := range maps {
		arn, name, ok := strings.Cut(m, "=")
		if !ok || name == "" {
			return fmt.Errorf("--discovery-map %q: want REGISTRY_ARN=NAME.NAMESPACE, e.g. arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1234=api.demo.local", m)
		}
		if err := emu.MapRegistry(arn, name); err != nil {
			return fmt.Errorf("--discovery-map: %w", err)
		}
	}
	return nil
}

func newDiscoveryCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "discovery",
		Short: "Show the names tasks resolve; name the tasks of Cloud Map registries",
		Long: `Service Connect client aliases and Cloud Map service discovery names resolve from a
cluster's awsvpc tasks through their task DNS server. 'names' shows a cluster's table (A
and SRV records, and the Service Connect listeners with their endpoints); 'map' names the
tasks of a service's serviceRegistries entry, since ecsmini has no Cloud Map API to ask.`,
	}
	cmd.PersistentFlags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, http://"+DefaultListen+")")

	mapCmd := &cobra.Command{
		Use:   "map REGISTRY_ARN NAME.NAMESPACE",
		Short: "Make the tasks registered in a Cloud Map service answer to NAME.NAMESPACE",
		Example: `  ecsmini discovery map arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1234 api.demo.local
  ecsmini discovery map arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1234 ""   # back to the naming rule`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return newClient(endpointURL(endpoint)).MapRegistry(cmd.Context(), ecsminiapi.DiscoveryMapping{RegistryArn: args[0], Name: args[1]})
		},
	}
	var cluster string
	namesCmd := &cobra.Command{
		Use:   "names",
		Short: "Show the names a cluster's tasks resolve, and the Service Connect listeners",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := newClient(endpointURL(endpoint)).Discovery(cmd.Context(), cluster)
			if err != nil {
				return err
			}
			printDiscovery(cmd.OutOrStdout(), d)
			return nil
		},
	}
	namesCmd.Flags().StringVar(&cluster, "cluster", "default", "cluster name or ARN")
	cmd.AddCommand(mapCmd, namesCmd)
	return cmd
}

// printDiscovery writes a table the way `ecsmini ps` does: one line per name.
func printDiscovery(out io.Writer, d ecsminiapi.Discovery) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	defer w.Flush()
	fmt.Fprintf(w, "NAME\tRECORDS\n")
	for _, name := range slices.Sorted(maps.Keys(d.Table.Records)) {
		fmt.Fprintf(w, "%s\tA %s\n", name, strings.Join(d.Table.Records[name], " "))
	}
	for _, name := range slices.Sorted(maps.Keys(d.Table.SRV)) {
		for _, r := range d.Table.SRV[name] {
			fmt.Fprintf(w, "%s\tSRV %s:%d\n", name, r.Target, r.Port)
		}
	}
	if len(d.Table.Proxies) > 0 {
		fmt.Fprintf(w, "\nSERVICE CONNECT\tLISTEN\tPROTOCOL\tENDPOINTS\n")
		for _, l := range d.Table.Proxies {
			proto := l.AppProtocol
			if proto == "" {
				proto = "tcp"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", l.Name, l.Addr, proto, strings.Join(l.Endpoints, " "))
		}
	}
	if len(d.Registries) > 0 {
		fmt.Fprintf(w, "\nREGISTRY\tNAME\n")
		for _, arn := range slices.Sorted(maps.Keys(d.Registries)) {
			fmt.Fprintf(w, "%s\t%s\n", arn, d.Registries[arn])
		}
	}
}
