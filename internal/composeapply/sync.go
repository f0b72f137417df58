package composeapply

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// Syncer builds and applies plans, one at a time: `ecsmini import`, `up -f` (and its
// watch) and the demo each drive one.
type Syncer struct {
	builder *builder
	applier *applier
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
}

// NewSyncer returns a Syncer that converges the ecsmini c calls, saying what it does
// on out.
func NewSyncer(c *ecsminiapi.Client, out io.Writer, o SyncOptions) *Syncer {
	return &Syncer{builder: &builder{dryRun: o.SkipBuild}, applier: &applier{c: c, out: out, depTimeout: o.DepTimeout, wait: o.Wait}}
}

// Apply builds the plan's images, pins its published ports and converges the cluster
// on it. It stops at the first error; what it did before stays (a later Apply resumes
// from there).
func (s *Syncer) Apply(ctx context.Context, plan *composeimport.Plan) (Result, error) {
	if err := s.builder.prepare(ctx, plan, s.applier.logf); err != nil {
		return Result{}, err
	}
	if err := pinPorts(ctx, s.applier.c, plan, s.applier.logf); err != nil {
		return Result{}, err
	}
	return s.applier.apply(ctx, plan)
}

// Sync is Apply, saying what changed in one line.
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
	if len(parts) == 0 {
		parts = []string{"no change"}
	}
	s.applier.logf("%s: %s", plan.Project, strings.Join(parts, "; "))
	return nil
}
