package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/spf13/pflag"

	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// composeFlags are the compose options shared by up -f, import and convert, named as
// docker compose names them.
type composeFlags struct {
	files    []string
	envFiles []string
	profiles []string
	project  string
	cluster  string
}

// add registers the flags; withFile says whether -f is a flag (import takes files as
// arguments too).
func (f *composeFlags) add(fs *pflag.FlagSet, withFile bool) {
	if withFile {
		fs.StringArrayVarP(&f.files, "file", "f", nil, "compose file (repeatable; merged in order, as docker compose -f)")
	}
	fs.StringArrayVar(&f.envFiles, "env-file", nil, "environment file for interpolation instead of the project's .env (repeatable)")
	fs.StringArrayVar(&f.profiles, "profile", nil, "compose profile to enable (repeatable; also COMPOSE_PROFILES)")
	fs.StringVarP(&f.project, "project-name", "p", "", "project name (default: the file's name: or its directory)")
	fs.StringVar(&f.cluster, "cluster", "", "ECS cluster to import into (default: the project's x-aws-cluster, else the project name)")
}

func (f *composeFlags) loadOptions() composeimport.LoadOptions {
	return composeimport.LoadOptions{Files: f.files, EnvFiles: f.envFiles, Profiles: f.profiles,
		ProjectName: f.project, Env: os.Environ()}
}

// loadCompose loads the project and converts it, printing the warnings to warn.
func loadCompose(ctx context.Context, f *composeFlags, region, account string, warn io.Writer) (*types.Project, *composeimport.Plan, error) {
	o := f.loadOptions()
	if len(o.Profiles) == 0 {
		if v := os.Getenv("COMPOSE_PROFILES"); v != "" {
			o.Profiles = splitList(v)
		}
	}
	p, err := composeimport.Load(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	plan, err := composeimport.Convert(p, composeimport.Options{Region: region, AccountID: account, Cluster: f.cluster})
	if err != nil {
		return nil, nil, fmt.Errorf("compose: %w", err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(warn, "warning: %s\n", w)
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(warn, "note: %s\n", n)
	}
	return p, plan, nil
}

func splitList(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
