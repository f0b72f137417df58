package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/composeapply"
	"github.com/ecsmini/ecsmini/internal/composeimport"
)

func newConvertCmd() *cobra.Command {
	var f composeFlags
	var format, outDir, region, account string
	cmd := &cobra.Command{
		Use:   "convert -f FILE",
		Short: "Print a docker compose project as ECS task definitions and services, for real AWS",
		Long: `Print a docker compose project as the ECS inputs ecsmini imports: the RegisterTaskDefinition
and CreateService requests (RunTask for one-off services), which the AWS CLI accepts against
real AWS unchanged.

  --format json        one JSON document: {"cluster", "taskDefinitions", "services", "tasks"}
  --format cli-input   one file per request in --output-dir, and the aws commands that
                       deploy them in order:
                       aws ecs register-task-definition --cli-input-json file://DIR/web.taskdef.json
                       aws ecs create-service --cli-input-json file://DIR/web.service.json
  --format cloudformation  a CloudFormation template: the cluster, and a task definition
                       and a service per compose service (DependsOn follows depends_on)

Published ports name target groups (arn:aws:elasticloadbalancing:…:targetgroup/…), named
volumes EFS file systems and secrets Secrets Manager ARNs: on AWS these must exist (set their
ids with x-ecs). Subnets default to a placeholder; set x-ecs.subnets.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "cli-input" && format != "cloudformation" {
				return fmt.Errorf("--format must be json, cli-input or cloudformation, not %q", format)
			}
			if format == "cli-input" && outDir == "" {
				return fmt.Errorf("--format cli-input needs --output-dir")
			}
			plan, err := composeapply.LoadPlan(cmd.Context(), f.source(region, account), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			plan.ForAWS()
			switch format {
			case "json":
				return writeConvertJSON(cmd.OutOrStdout(), plan)
			case "cloudformation":
				return writeCloudFormation(cmd.OutOrStdout(), plan)
			}
			return writeCLIInputs(cmd.OutOrStdout(), outDir, plan)
		},
	}
	f.add(cmd.Flags(), true)
	cmd.Flags().StringVar(&format, "format", "json", "json, cli-input or cloudformation")
	cmd.Flags().StringVar(&outDir, "output-dir", "", "directory for --format cli-input files")
	cmd.Flags().StringVar(&region, "region", "us-east-1", "region of the ARNs in the output")
	cmd.Flags().StringVar(&account, "account-id", "000000000000", "account of the ARNs in the output")
	return cmd
}

// convertDoc is `convert --format json`'s document.
type convertDoc struct {
	Cluster           string   `json:"cluster"`
	CapacityProviders []string `json:"capacityProviders,omitempty"`
	TaskDefinitions   []any    `json:"taskDefinitions"`
	Services          []any    `json:"services"`
	Tasks             []any    `json:"tasks,omitempty"`
}

func writeConvertJSON(w io.Writer, plan *composeimport.Plan) error {
	doc := convertDoc{Cluster: plan.Cluster, CapacityProviders: plan.CapacityProviders(), TaskDefinitions: []any{}, Services: []any{}}
	for _, s := range plan.Services {
		doc.TaskDefinitions = append(doc.TaskDefinitions, s.TaskDefinition)
		if s.RunTask != nil {
			doc.Tasks = append(doc.Tasks, s.RunTask)
		} else {
			doc.Services = append(doc.Services, s.Service)
		}
	}
	return writeClean(w, doc)
}

// writeClean writes v as indented JSON without nulls and empty values.
func writeClean(w io.Writer, v any) error {
	clean, err := composeimport.Clean(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, clean, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// writeCLIInputs writes one --cli-input-json file per request and prints the aws
// commands that use them, in start order.
func writeCLIInputs(w io.Writer, dir string, plan *composeimport.Plan) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--output-dir: %w", err)
	}
	write := func(name string, v any) (string, error) {
		path := filepath.Join(dir, name)
		var buf bytes.Buffer
		if err := writeClean(&buf, v); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return "", fmt.Errorf("writing %s: %w", path, err)
		}
		return path, nil
	}
	cps := ""
	if p := plan.CapacityProviders(); len(p) > 0 {
		cps = " --capacity-providers " + strings.Join(p, " ")
	}
	fmt.Fprintf(w, "aws ecs create-cluster --cluster-name %s%s\n", plan.Cluster, cps)
	for _, s := range plan.Services {
		path, err := write(s.Name+".taskdef.json", s.TaskDefinition)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "aws ecs register-task-definition --cli-input-json file://%s\n", path)
		if s.RunTask != nil {
			if path, err = write(s.Name+".task.json", s.RunTask); err != nil {
				return err
			}
			fmt.Fprintf(w, "aws ecs run-task --cli-input-json file://%s\n", path)
			continue
		}
		if path, err = write(s.Name+".service.json", s.Service); err != nil {
			return err
		}
		fmt.Fprintf(w, "aws ecs create-service --cli-input-json file://%s\n", path)
	}
	return nil
}
