package cli

import (
	"fmt"
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
	var depTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "import [FILE...]",
		Short: "Import a docker compose project into a running ecsmini as ECS services",
		Long: `Import a docker compose project into a running ecsmini: one cluster per project, one task
definition family and one service per compose service, created through the ECS API like
any other (so the AWS CLI sees and changes them). Images with build: are built on the
local Docker Engine first.

Importing again registers new revisions only for the services that changed and rolls them
with UpdateService; services removed from the file are deleted. Every compose key that does
not carry over is reported as a warning.`,
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
			plan, err := composeapply.LoadPlan(ctx, f.source(region, account), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if dryRun {
				printPlan(cmd.OutOrStdout(), plan)
				return nil
			}
			syncer := composeapply.NewSyncer(newClient(ep), cmd.OutOrStdout(),
				composeapply.SyncOptions{SkipBuild: h.Runtime == "sim", DepTimeout: depTimeout})
			res, err := syncer.Apply(ctx, plan)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "compose: project %s in cluster %s: %d created, %d updated, %d unchanged, %d deleted, %d one-off tasks run\n",
				plan.Project, plan.Cluster, len(res.Created), len(res.Updated), len(res.Unchanged), len(res.Deleted), len(res.Ran))
			return nil
		},
	}
	f.add(cmd.Flags(), true)
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "ecsmini endpoint (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, then http://"+DefaultListen+")")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be created, without calling ecsmini")
	cmd.Flags().DurationVar(&depTimeout, "wait-timeout", 5*time.Minute, "how long a service waits for a depends_on condition")
	return cmd
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
