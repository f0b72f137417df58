package cli

import (
	"context"
	"strings"

	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// composeSync builds and applies plans, one at a time.
type composeSync struct {
	builder *composeBuilder
	applier *composeApplier
}

// applyResult builds the plan's images, pins its published ports and converges the
// cluster on it.
func (s *composeSync) applyResult(ctx context.Context, plan *composeimport.Plan) (applyResult, error) {
	if err := s.builder.prepare(ctx, plan, s.applier.logf); err != nil {
		return applyResult{}, err
	}
	if err := pinComposePorts(ctx, s.applier.c, plan, s.applier.logf); err != nil {
		return applyResult{}, err
	}
	return s.applier.apply(ctx, plan)
}

// apply is applyResult, saying what changed.
func (s *composeSync) apply(ctx context.Context, plan *composeimport.Plan) error {
	res, err := s.applyResult(ctx, plan)
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
