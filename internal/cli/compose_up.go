package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// composeUp is `ecsmini up -f FILE [--watch]`: the compose project is loaded before
// the emulator starts (an invalid file stops up at once, and the published ports
// become --lb-port pins and the secrets a secrets file), then imported through the
// API once it answers, and with --watch kept in sync with the files.
type composeUp struct {
	flags   composeFlags
	watch   bool
	sim     bool
	region  string
	account string
	project *types.Project
	plan    *composeimport.Plan
	out     io.Writer
}

// prepareCompose loads the project of up's -f files (nil without any) and adjusts o:
// the published ports pin their load balancers (an explicit --lb-port still wins),
// and compose secrets become a secrets file in the state directory unless
// --secrets-file is given.
func prepareCompose(ctx context.Context, o *upOptions, stderr io.Writer) (*composeUp, error) {
	if len(o.compose.files) == 0 {
		if o.watch {
			return nil, fmt.Errorf("--watch needs a compose file (-f FILE)")
		}
		return nil, nil
	}
	p, plan, err := loadCompose(ctx, &o.compose, o.region, o.accountID, stderr)
	if err != nil {
		return nil, err
	}
	ports := plan.LBPorts()
	var pins []string
	for _, name := range sortedNames(ports) {
		if ports[name] > 0 {
			pins = append(pins, name+"="+strconv.Itoa(ports[name]))
		}
	}
	o.lbPorts = append(pins, o.lbPorts...)
	if o.secretsFile == "" && len(p.Secrets) > 0 {
		path, err := writeComposeSecrets(o.stateDir, p, o.region, o.accountID)
		if err != nil {
			return nil, err
		}
		o.secretsFile = path
	}
	return &composeUp{flags: o.compose, watch: o.watch, sim: o.runtime == "sim", region: o.region, account: o.accountID,
		project: p, plan: plan}, nil
}

func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeComposeSecrets writes the project's secrets (from file, environment or
// content) under the Secrets Manager ARNs the task definitions name.
func writeComposeSecrets(stateDir string, p *types.Project, region, account string) (string, error) {
	values := map[string]string{}
	for name, s := range p.Secrets {
		var v string
		switch {
		case s.File != "":
			b, err := os.ReadFile(s.File)
			if err != nil {
				return "", fmt.Errorf("compose secret %s: %w", name, err)
			}
			v = string(b)
		case s.Environment != "":
			v = p.Environment[s.Environment]
		default:
			v = s.Content
		}
		values[composeimport.SecretArn(composeimport.Options{Region: region, AccountID: account}, p.Name, name)] = v
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

// start imports the project into the ecsmini at endpoint in the background. Without
// --watch a failed import stops up (stop); with it the error is reported and the next
// change tried. The returned function ends the background work, waits for it and
// returns its error.
func (cu *composeUp) start(ctx context.Context, endpoint string, stdout io.Writer, stop func()) func() error {
	if cu == nil {
		return func() error { return nil }
	}
	cu.out = stdout
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var runErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		if runErr = cu.run(ctx, endpoint); runErr != nil && ctx.Err() == nil {
			stop()
		}
	}()
	return func() error {
		cancel()
		wg.Wait()
		if ctx.Err() != nil && errors.Is(runErr, context.Canceled) {
			return nil
		}
		return runErr
	}
}

func (cu *composeUp) run(ctx context.Context, endpoint string) error {
	syncer := &composeSync{
		builder: &composeBuilder{dryRun: cu.sim},
		applier: &composeApplier{c: newClient(endpoint), out: cu.out},
	}
	err := syncer.apply(ctx, cu.plan)
	if !cu.watch {
		if err == nil {
			fmt.Fprintf(cu.out, "compose: project %s is up in cluster %s\n", cu.plan.Project, cu.plan.Cluster)
		}
		return err
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(cu.out, "compose: %v (watching for a fix)\n", err)
	}
	w := &composeWatcher{flags: cu.flags, region: cu.region, account: cu.account, out: cu.out, sync: syncer}
	return w.run(ctx, cu.project)
}
