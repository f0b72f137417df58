package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
)

func newRetireCmd() *cobra.Command {
	var endpoint, cluster, service, version string
	cmd := &cobra.Command{
		Use:   "retire [TASK...]",
		Short: "Schedule the retirement of Fargate tasks, as AWS retires platform revisions",
		Long: `Announce the retirement of Fargate tasks on a running ecsmini, as AWS does when it
retires the platform version revision they run on. The retirement happens after the
account setting fargateTaskRetirementWaitPeriod (0, 7 — the default — or 14 days; set it
with 'aws ecs put-account-setting-default'), on the emulator's clock ('ecsmini clock
advance 7d' crosses it). Then a service replaces its tasks make-before-break within
minimumHealthyPercent; standalone tasks are stopped and not replaced, with stoppedReason
"ECS is performing maintenance on the underlying infrastructure hosting the task". An
'update-service --force-new-deployment' before the date pre-empts it.`,
		Example: `  ecsmini retire 5f2b648076f702245084ae5f37334be8
  ecsmini retire --service web --cluster demo
  ecsmini retire --platform-version 1.4.0`,
		RunE: func(cmd *cobra.Command, args []string) error {
			named := 0
			for _, given := range []bool{len(args) > 0, service != "", version != ""} {
				if given {
					named++
				}
			}
			if named != 1 {
				return fmt.Errorf("name the tasks, or --service, or --platform-version (one of them)")
			}
			in := emulator.RetireRequest{Cluster: cluster, Tasks: args, Service: service, PlatformVersion: version}
			out, err := newClient(endpointURL(endpoint)).Retire(cmd.Context(), in)
			if err != nil {
				return err
			}
			for _, r := range out.Retirements {
				what := "standalone, stopped then"
				if r.Service != "" {
					what = "service " + r.Service + ", replaced then"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s retires at %s (%s)\n", r.TaskArn, r.RetireAt.UTC().Format(time.RFC3339), what)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&cluster, "cluster", "", "cluster name or ARN (default: default; with --platform-version, every cluster)")
	f.StringVar(&service, "service", "", "retire every task of this service")
	f.StringVar(&version, "platform-version", "", "retire every Fargate task on this platform version (e.g. 1.4.0)")
	return cmd
}
