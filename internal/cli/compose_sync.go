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

// apply builds the plan's images and converges the cluster on it, saying what changed.
func (s *composeSync) apply(ctx context.Context, plan *composeimport.Plan) error {
	if err := s.builder.prepare(ctx, plan, s.applier.logf); err != nil {
		return err
	}
	res, err := s.applier.apply(ctx, plan)
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
