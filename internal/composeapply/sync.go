package composeapply

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// Syncer builds and applies plans, one at a time: `ecsmini import`, `up -f` (and its
// watch) and the demo each drive one.
type Syncer struct {
	builder  *builder
	applier  *applier
	progress io.Writer // build progress
	settle   time.Duration
	portBusy map[int]string // published ports other programs hold, from the last Apply
	noReport bool
}

// SyncOptions tune a Syncer.
type SyncOptions struct {
	// SkipBuild computes the image tags of build: services without building them (the
	// simulated runtime needs no image).
	SkipBuild bool
	// DepTimeout bounds the wait for a depends_on condition (default 5 minutes).
	DepTimeout time.Duration
	// Wait is the pause between two checks of a depends_on condition (nil: real time).
	// A test passes one that moves the emulator's clock instead.
	Wait func(ctx context.Context, d time.Duration) error
	// NoReport: Sync neither waits for the services nor prints their table (the demo
	// waits and shows in its own way).
	NoReport bool
	// Settle bounds how long Sync waits for the services to come up (or fail) before
	// it reports them (default 2 minutes).
	Settle time.Duration
}

// NewSyncer returns a Syncer that converges the ecsmini c calls, saying what it does
// on out.
func NewSyncer(c *ecsminiapi.Client, out io.Writer, o SyncOptions) *Syncer {
	settle := o.Settle
	if settle <= 0 {
		settle = 2 * time.Minute
	}
	return &Syncer{builder: &builder{dryRun: o.SkipBuild}, applier: &applier{c: c, out: out, depTimeout: o.DepTimeout, wait: o.Wait},
		progress: &linePrefixer{w: out, prefix: "compose: build | "}, settle: settle, noReport: o.NoReport}
}

// Apply builds the plan's images, pins its published ports and converges the cluster
// on it. It stops at the first error; what it did before stays (a later Apply resumes
// from there).
func (s *Syncer) Apply(ctx context.Context, plan *composeimport.Plan) (Result, error) {
	failed := s.builder.prepare(ctx, plan, s.applier.logf, s.progress)
	busy, err := pinPorts(ctx, s.applier.c, plan, s.applier.logf)
	if err != nil {
		return Result{}, err
	}
	s.portBusy = busy
	return s.applier.apply(ctx, plan, failed)
}

// Sync is Apply, saying what changed in one line, then (unless NoReport) Report: it
// waits for the services to come up or fail and prints a table of them. It returns
// an error naming every service that did not come up, and why.
func (s *Syncer) Sync(ctx context.Context, plan *composeimport.Plan) error {
	res, err := s.Apply(ctx, plan)
	if err != nil {
		return err
	}
	var parts []string
	for _, p := range []struct {
		word  string
		names []string
	}{{"created", res.Created}, {"updated", res.Updated}, {"deleted", res.Deleted}, {"ran", res.Ran}} {
		if len(p.names) > 0 {
			parts = append(parts, p.word+" "+strings.Join(p.names, ", "))
		}
	}
	if len(res.Failed) > 0 {
		var names []string
		for _, f := range res.Failed {
			names = append(names, f.Service)
		}
		parts = append(parts, "failed "+strings.Join(names, ", "))
	}
	if len(parts) == 0 {
		parts = []string{"no change"}
	}
	s.applier.logf("%s: %s", plan.Project, strings.Join(parts, "; "))
	if s.noReport {
		if len(res.Failed) > 0 {
			return &NotUpError{Project: plan.Project, Report: Report{Project: plan.Project, Cluster: plan.Cluster, Services: failedReports(res.Failed)}}
		}
		return nil
	}
	rep, err := s.Report(ctx, plan, res)
	if err != nil {
		return err
	}
	rep.Print(s.applier.out)
	if !rep.Up() {
		return &NotUpError{Project: plan.Project, Report: rep}
	}
	return nil
}

// Report waits (up to SyncOptions.Settle) for the services of plan to come up or
// fail, after an Apply that gave res, and says how each one is.
func (s *Syncer) Report(ctx context.Context, plan *composeimport.Plan, res Result) (Report, error) {
	return s.report(ctx, plan, res)
}

// NotUpError is a project some of whose services did not come up.
type NotUpError struct {
	Project string
	Report  Report
}

func (e *NotUpError) Error() string {
	return fmt.Sprintf("project %s did not come up: %s", e.Project, e.Report.NotUp())
}

func failedReports(failed []Failure) []ServiceReport {
	out := make([]ServiceReport, 0, len(failed))
	for _, f := range failed {
		out = append(out, ServiceReport{Service: f.Service, State: StateFailed, Reason: f.Reason})
	}
	return out
}
