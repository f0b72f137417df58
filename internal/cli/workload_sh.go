package cli

import (
	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/workload"
)

func newWorkloadShCmd() *cobra.Command {
	var script string
	var interactive bool
	cmd := &cobra.Command{
		Use:   "sh [-c LINE]",
		Short: "A tiny line shell (echo, exit, env, hostname, pwd, cat, size) for ECS Exec into the scratch image",
		Long: `A tiny shell for ECS Exec into the ecsmini image, which is FROM scratch and has no /bin/sh.
With -c it runs one line; otherwise it reads lines from stdin (prompting with "$ " when -i is
given) until "exit [N]" or end of input. It knows echo, exit, env, hostname, pwd, cat FILE and size (the terminal's rows and columns).`,
		Example: `  aws ecs execute-command --cluster C --task T --interactive --command "/ecsmini workload sh -i"
  ecsmini exec T -- /ecsmini workload sh -c "echo hello"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if status := workload.Shell(script, interactive, cmd.InOrStdin(), cmd.OutOrStdout()); status != 0 {
				return &exitError{code: status}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&script, "command", "c", "", "run this one line and exit with its status")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "prompt with \"$ \" before each line")
	return cmd
}
