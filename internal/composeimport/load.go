package composeimport

import (
	"context"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// LoadOptions says which compose files to read and how, as docker compose's flags do.
type LoadOptions struct {
	// Files are the compose files, merged in order (-f, repeatable). Empty means
	// compose's default names in WorkingDir (compose.yaml, docker-compose.yml, …).
	Files []string
	// WorkingDir is the project directory (default: the first file's directory).
	WorkingDir string
	// ProjectName overrides the name from the file or directory.
	ProjectName string
	// EnvFiles replace the project's .env file (--env-file).
	EnvFiles []string
	// Profiles are the active profiles; services in other profiles are left out.
	Profiles []string
	// Env is the environment used for interpolation (typically os.Environ()).
	Env []string
}

// Load reads and validates a compose project with compose-go, with interpolation,
// .env files, profiles, extends and includes as Docker Compose applies them. An
// invalid file gives compose-go's error, which names the file and line.
func Load(ctx context.Context, o LoadOptions) (*types.Project, error) {
	// Order matters: the working directory and files decide where .env is looked for,
	// and the environment must be complete before interpolation.
	var opts []cli.ProjectOptionsFn
	if len(o.Files) == 0 {
		opts = append(opts, cli.WithDefaultConfigPath)
	}
	if o.WorkingDir != "" {
		opts = append(opts, cli.WithWorkingDirectory(o.WorkingDir))
	}
	if o.ProjectName != "" {
		opts = append(opts, cli.WithName(o.ProjectName))
	}
	opts = append(opts,
		cli.WithEnv(o.Env),
		cli.WithEnvFiles(o.EnvFiles...),
		cli.WithDotEnv,
		cli.WithProfiles(o.Profiles),
		cli.WithResolvedPaths(true),
	)
	po, err := cli.NewProjectOptions(o.Files, opts...)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	p, err := po.LoadProject(ctx)
	if err != nil {
		// compose-go names the file in schema errors but not in YAML syntax errors
		// (which carry the line): name it there too.
		named := false
		for _, f := range po.ConfigPaths {
			named = named || strings.Contains(err.Error(), f)
		}
		if !named && len(po.ConfigPaths) > 0 {
			return nil, fmt.Errorf("compose: %s: %w", strings.Join(po.ConfigPaths, ", "), err)
		}
		return nil, fmt.Errorf("compose: %w", err)
	}
	return p, nil
}
