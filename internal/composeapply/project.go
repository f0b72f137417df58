package composeapply

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// Project is a compose project as `ecsmini up -f` holds it: loaded before the emulator
// starts (an invalid file stops up at once, and the published ports become load
// balancer pins and the secrets a secrets file), then imported through the API once it
// answers, and with watch kept in sync with its files.
type Project struct {
	src     Source
	project *types.Project
	plan    *composeimport.Plan
}

// Open loads the project of src, printing the conversion's warnings to warn.
func Open(ctx context.Context, src Source, warn io.Writer) (*Project, error) {
	p, plan, err := load(ctx, src, warn)
	if err != nil {
		return nil, err
	}
	return &Project{src: src, project: p, plan: plan}, nil
}

// LBPins are the published ports as `up --lb-port` values (NAME=PORT), by name.
func (p *Project) LBPins() []string {
	ports := p.plan.LBPorts()
	names := make([]string, 0, len(ports))
	for name := range ports {
		names = append(names, name)
	}
	sort.Strings(names)
	var pins []string
	for _, name := range names {
		if ports[name] > 0 {
			pins = append(pins, name+"="+strconv.Itoa(ports[name]))
		}
	}
	return pins
}

// HasSecrets says whether the project declares secrets.
func (p *Project) HasSecrets() bool { return len(p.project.Secrets) > 0 }

// WriteSecrets writes the project's secrets (from file, environment or content) under
// the Secrets Manager ARNs the task definitions name, as a secrets file in stateDir,
// and returns its path.
func (p *Project) WriteSecrets(stateDir string) (string, error) {
	values := map[string]string{}
	for name, s := range p.project.Secrets {
		var v string
		switch {
		case s.File != "":
			b, err := os.ReadFile(s.File)
			if err != nil {
				return "", fmt.Errorf("compose secret %s: %w", name, err)
			}
			v = string(b)
		case s.Environment != "":
			v = p.project.Environment[s.Environment]
		default:
			v = s.Content
		}
		opts := composeimport.Options{Region: p.src.Region, AccountID: p.src.AccountID}
		values[composeimport.SecretArn(opts, p.project.Name, name)] = v
	}
	b, err := json.MarshalIndent(values, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	path := filepath.Join(stateDir, "compose-secrets.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("compose secrets: %w", err)
	}
	return path, nil
}

// RunOptions say how Run keeps the project.
type RunOptions struct {
	// Watch keeps the project in sync with its files until ctx ends.
	Watch bool
	// SkipBuild does not build images (the simulated runtime needs none).
	SkipBuild bool
	// Wait is the pause between two checks of a depends_on condition (nil: real time).
	Wait func(ctx context.Context, d time.Duration) error
	// Clock times Watch's debounce, the quiet spell after a change before it is
	// applied (nil: the wall clock). A test passes a fake clock it fires itself.
	Clock clock.Clock
	// Applied, when set, hears how each import ended (nil: the stack matches the
	// files), the first and, with Watch, every re-import, so that the dashboard can
	// show it; called on Run's goroutine.
	Applied func(project string, err error)
}

// Run imports the project into the ecsmini c calls, saying what it does on out.
// Without Watch it returns the import's error; with it a failed import is reported and
// the next change of the files tried, until ctx ends.
func (p *Project) Run(ctx context.Context, c *ecsminiapi.Client, out io.Writer, o RunOptions) error {
	syncer := NewSyncer(c, out, SyncOptions{SkipBuild: o.SkipBuild, Wait: o.Wait})
	err := syncer.Sync(ctx, p.plan)
	applied := func(err error) {
		if o.Applied != nil && ctx.Err() == nil {
			o.Applied(p.plan.Project, err)
		}
	}
	applied(err)
	if !o.Watch {
		if err == nil {
			fmt.Fprintf(out, "compose: project %s is up in cluster %s\n", p.plan.Project, p.plan.Cluster)
		} else {
			fmt.Fprintf(out, "compose: %v\n", err)
		}
		return err
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(out, "compose: %v (watching for a fix)\n", err)
	}
	clk := o.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	w := &watcher{src: p.src, out: out, sync: syncer, clk: clk, applied: applied}
	return w.run(ctx, p.project)
}
