package composeapply

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// Source is which compose project to load, as docker compose's options name it, and
// where its ECS objects go.
type Source struct {
	Files       []string
	EnvFiles    []string
	Profiles    []string // default: COMPOSE_PROFILES
	ProjectName string
	// Cluster is the ECS cluster (default: the project's x-aws-cluster, else its name).
	Cluster   string
	Region    string
	AccountID string
}

func (s Source) loadOptions() composeimport.LoadOptions {
	o := composeimport.LoadOptions{Files: s.Files, EnvFiles: s.EnvFiles, Profiles: s.Profiles,
		ProjectName: s.ProjectName, Env: os.Environ()}
	if len(o.Profiles) == 0 {
		if v := os.Getenv("COMPOSE_PROFILES"); v != "" {
			o.Profiles = splitList(v)
		}
	}
	return o
}

// LoadPlan loads the project and converts it into ECS requests, printing the
// conversion's warnings and notes to warn.
func LoadPlan(ctx context.Context, src Source, warn io.Writer) (*composeimport.Plan, error) {
	_, plan, err := load(ctx, src, warn)
	return plan, err
}

// load is LoadPlan, also returning the project as compose-go read it.
func load(ctx context.Context, src Source, warn io.Writer) (*types.Project, *composeimport.Plan, error) {
	p, err := composeimport.Load(ctx, src.loadOptions())
	if err != nil {
		return nil, nil, err
	}
	plan, err := composeimport.Convert(p, composeimport.Options{Region: src.Region, AccountID: src.AccountID, Cluster: src.Cluster})
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
