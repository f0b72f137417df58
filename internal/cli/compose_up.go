package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ecsmini/ecsmini/internal/composeapply"
)

// composeUp is `ecsmini up -f FILE [--watch]`: the project, loaded before the emulator
// starts, and how to keep it once the API answers.
type composeUp struct {
	project *composeapply.Project
	run     composeapply.RunOptions
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
	p, err := composeapply.Open(ctx, o.compose.source(o.region, o.accountID), stderr)
	if err != nil {
		return nil, err
	}
	o.lbPorts = append(p.LBPins(), o.lbPorts...)
	if o.secretsFile == "" && p.HasSecrets() {
		path, err := p.WriteSecrets(o.stateDir)
		if err != nil {
			return nil, err
		}
		o.secretsFile = path
	}
	return &composeUp{project: p, run: composeapply.RunOptions{Watch: o.watch, SkipBuild: o.runtime == "sim", Wait: o.drive.wait(), Clock: o.drive.debounce()}}, nil
}

// start imports the project into the ecsmini at endpoint in the background. Without
// --watch a failed import stops up (stop); with it the error is reported and the next
// change tried. The returned function ends the background work, waits for it and
// returns its error.
func (cu *composeUp) start(ctx context.Context, endpoint string, stdout io.Writer, stop func(), notes *noteFeed) func() error {
	if cu == nil {
		return func() error { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var runErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		run := cu.run
		run.Applied = notes.applied // the dashboard shows each import's outcome
		if runErr = cu.project.Run(ctx, newClient(endpoint), io.MultiWriter(stdout, notes), run); runErr != nil && ctx.Err() == nil {
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
