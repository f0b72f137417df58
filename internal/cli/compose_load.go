package cli

import (
	"github.com/spf13/pflag"

	"github.com/ecsmini/ecsmini/internal/composeapply"
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

// source is the project the flags name, for region and account.
func (f *composeFlags) source(region, account string) composeapply.Source {
	return composeapply.Source{Files: f.files, EnvFiles: f.envFiles, Profiles: f.profiles, ProjectName: f.project,
		Cluster: f.cluster, Region: region, AccountID: account}
}
