package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/composeapply"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

func newImportCmd() *cobra.Command {
	var f composeFlags
	var endpoint string
	var dryRun bool
	var depTimeout, settle time.Duration
	var lbPorts []string
	var output outputFlag
	cmd := &cobra.Command{
		Use:   "import [FILE...]",
		Short: "Import a docker compose project into a running ecsmini as ECS services",
		Long: `Import a docker compose project into a running ecsmini: one cluster per project, one task
definition family and one service per compose service, created through the ECS API like
any other (so the AWS CLI sees and changes them). Images with build: are built on the
local Docker Engine first.

Importing again registers new revisions only for the services that changed and rolls them
with UpdateService; services removed from the file are deleted. Every compose key that does
not carry over is reported as a warning.

Then it waits (up to --wait) for the services to come up and prints a table of services,
states, tasks and ports. When a service did not come up (its image did not build or pull,
its published port is taken, a dependency failed) the table says why, and the exit code is 1.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.files = append(f.files, args...)
			ctx := cmd.Context()
			ep := endpointURL(endpoint)
			h := &ecsminiapi.Health{Region: "us-east-1", AccountID: "000000000000"}
			if !dryRun {
				var err error
				if h, err = probe(ctx, ep, 3*time.Second); err != nil {
					return err
				}
			}
			region, account := h.Region, h.AccountID
			pins, err := parseLBPorts(lbPorts)
			if err != nil {
				return err
			}
			plan, err := composeapply.LoadPlan(ctx, f.source(region, account), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := repinPorts(plan, pins); err != nil {
				return err
			}
			if dryRun {
				printPlan(cmd.OutOrStdout(), plan)
				return nil
			}
			out := cmd.OutOrStdout()
			progress := out
			if output == "json" {
				progress = cmd.ErrOrStderr()
			}
			syncer := composeapply.NewSyncer(newClient(ep), progress,
				composeapply.SyncOptions{SkipBuild: h.Runtime == "sim", DepTimeout: depTimeout, Settle: settle})
			res, err := syncer.Apply(ctx, plan)
			if err != nil {
				return err
			}
			fmt.Fprintf(progress, "compose: project %s in cluster %s: %d created, %d updated, %d unchanged, %d deleted, %d one-off tasks run, %d failed\n",
				plan.Project, plan.Cluster, len(res.Created), len(res.Updated), len(res.Unchanged), len(res.Deleted), len(res.Ran), len(res.Failed))
			rep, err := syncer.Report(ctx, plan, res)
			if err != nil {
				return err
			}
			if output == "json" {
				if err := json.NewEncoder(out).Encode(rep); err != nil {
					return err
				}
			} else {
				rep.Print(out)
			}
			if !rep.Up() {
				return &composeapply.NotUpError{Project: plan.Project, Report: rep}
			}
			return nil
		},
	}
	f.add(cmd.Flags(), true)
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "ecsmini endpoint (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be created, without calling ecsmini")
	cmd.Flags().DurationVar(&depTimeout, "wait-timeout", 5*time.Minute, "how long a service waits for a depends_on condition")
	cmd.Flags().DurationVar(&settle, "wait", 2*time.Minute, "how long to wait for the services to come up (or fail) before reporting them")
	cmd.Flags().StringArrayVar(&lbPorts, "lb-port", nil, "host port of a published port's local load balancer, as NAME=PORT (target group name, as 'import --dry-run' and 'ecsmini ps' show it; repeatable), instead of the compose host port")
	cmd.Flags().VarP(&output, "output", "o", "the report as text (a table) or json")
	return cmd
}

// repinPorts puts the published ports named in pins (target group name or ARN →
// port, from --lb-port) on those host ports. A name that matches no published port is
// an error, so that a typo does not go unnoticed.
func repinPorts(plan *composeimport.Plan, pins map[string]int) error {
	used := map[string]bool{}
	for i := range plan.Services {
		for j := range plan.Services[i].Ports {
			p := &plan.Services[i].Ports[j]
			for _, key := range []string{p.TargetGroupName, p.TargetGroupArn} {
				if port, ok := pins[key]; ok {
					p.HostPort, used[key] = port, true
				}
			}
		}
	}
	for name := range pins {
		if !used[name] {
			var names []string
			for n := range plan.LBPorts() {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("--lb-port %s: no published port of the project has that target group (it has: %s)", name, strings.Join(names, ", "))
		}
	}
	return nil
}

// printPlan prints one line per service: what it becomes.
func printPlan(w interface{ Write([]byte) (int, error) }, plan *composeimport.Plan) {
	fmt.Fprintf(w, "cluster %s (project %s)\n", plan.Cluster, plan.Project)
	for _, s := range plan.Services {
		td := s.TaskDefinition
		kind := fmt.Sprintf("service %s, desired %d", s.Name, desired(s))
		if s.RunTask != nil {
			kind = "one-off task " + s.Name
		}
		fmt.Fprintf(w, "  %s: task definition %s (cpu %s, memory %s)", kind, td.Family, deref(td.Cpu), deref(td.Memory))
		for _, p := range s.Ports {
			fmt.Fprintf(w, ", localhost:%d → %d", p.HostPort, p.ContainerPort)
		}
		for _, d := range s.DependsOn {
			fmt.Fprintf(w, ", after %s is %s", d.Service, composeapply.ConditionWord(d.Condition))
		}
		fmt.Fprintln(w)
	}
}

func desired(s composeimport.Service) int {
	if s.Service == nil || s.Service.DesiredCount == nil {
		return 0
	}
	return *s.Service.DesiredCount
}

func deref(p *string) string {
	if p == nil {
		return "-"
	}
	return *p
}
