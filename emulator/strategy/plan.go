package strategy

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The lifecycle stages a service deployment record shows (ServiceDeploymentLifecycleStage)
// and the one hook stage that is not a record stage (PRE_PRODUCTION_TRAFFIC_SHIFT).
const (
	StageReconcile           = "RECONCILE_SERVICE"
	StagePreScaleUp          = "PRE_SCALE_UP"
	StageScaleUp             = "SCALE_UP"
	StagePostScaleUp         = "POST_SCALE_UP"
	StageTestShift           = "TEST_TRAFFIC_SHIFT"
	StagePostTestShift       = "POST_TEST_TRAFFIC_SHIFT"
	HookPreProductionShift   = "PRE_PRODUCTION_TRAFFIC_SHIFT"
	StageProductionShift     = "PRODUCTION_TRAFFIC_SHIFT"
	StagePostProductionShift = "POST_PRODUCTION_TRAFFIC_SHIFT"
	StageBake                = "BAKE_TIME"
	StageCleanUp             = "CLEAN_UP"
)

// The defaults the model documents for linearConfiguration and canaryConfiguration.
const (
	DefaultStepPercent   = 10.0
	DefaultStepBake      = 6
	DefaultCanaryPercent = 5.0
	DefaultCanaryBake    = 10
)

// Step is one step of a deployment's plan. On entering it, the hooks of HookStages run
// (in order, each to an outcome); then the step's traffic applies; then the step lasts
// Wait (a bake) or, for SCALE_UP, until green is at full size and healthy.
type Step struct {
	Stage      string   // the record's lifecycleStage during the step
	HookStages []string // the hook stages whose hooks run on entering
	Green      float64  // percent of production traffic on green once the step applies
	Test       bool     // the test listener serves green
	WaitGreen  bool     // the step ends when green runs desiredCount healthy tasks
	Wait       time.Duration
	Blue       bool // blue's tasks still run (false from CLEAN_UP)
}

// Plan is the steps a deployment under dc walks through. reconcile is true when the
// deployment starts with more than one revision serving (RECONCILE_SERVICE runs).
// ROLLING has no plan: the scheduler's rolling update is the whole of it.
func Plan(dc *ecs.DeploymentConfiguration, reconcile bool) []Step {
	s := Of(dc)
	if !Shifts(s) {
		return nil
	}
	var out []Step
	if reconcile {
		out = append(out, Step{Stage: StageReconcile, HookStages: []string{StageReconcile}, Blue: true})
	}
	out = append(out,
		Step{Stage: StagePreScaleUp, HookStages: []string{StagePreScaleUp}, Blue: true},
		Step{Stage: StageScaleUp, WaitGreen: true, Blue: true},
		Step{Stage: StagePostScaleUp, HookStages: []string{StagePostScaleUp}, Blue: true},
		Step{Stage: StageTestShift, HookStages: []string{StageTestShift}, Test: true, Blue: true},
		Step{Stage: StagePostTestShift, HookStages: []string{StagePostTestShift}, Test: true, Blue: true},
	)
	shares, wait := productionShares(dc, s)
	for i, p := range shares {
		// The model: for LINEAR and CANARY, PRE_PRODUCTION_TRAFFIC_SHIFT and
		// PRODUCTION_TRAFFIC_SHIFT hooks run at every traffic shift step.
		st := Step{Stage: StageProductionShift, Green: p, Test: true, Blue: true,
			HookStages: []string{HookPreProductionShift, StageProductionShift}}
		if i < len(shares)-1 {
			st.Wait = wait
		}
		out = append(out, st)
	}
	bake := 0
	if dc.BakeTimeInMinutes != nil {
		bake = *dc.BakeTimeInMinutes
	}
	return append(out,
		Step{Stage: StagePostProductionShift, HookStages: []string{StagePostProductionShift}, Green: 100, Test: true, Blue: true},
		Step{Stage: StageBake, Green: 100, Test: true, Blue: true, Wait: time.Duration(bake) * time.Minute},
		Step{Stage: StageCleanUp, Green: 100, Test: true},
	)
}

// productionShares is the green share after each production shift and the bake
// between shifts: all at once (BLUE_GREEN), the canary then the rest (CANARY), or equal
// steps (LINEAR; the last step takes what is left).
func productionShares(dc *ecs.DeploymentConfiguration, s string) ([]float64, time.Duration) {
	switch s {
	case Canary:
		pct, bake := DefaultCanaryPercent, DefaultCanaryBake
		if c := dc.CanaryConfiguration; c != nil {
			if c.CanaryPercent != nil {
				pct = *c.CanaryPercent
			}
			if c.CanaryBakeTimeInMinutes != nil {
				bake = *c.CanaryBakeTimeInMinutes
			}
		}
		if pct >= 100 {
			return []float64{100}, 0
		}
		return []float64{pct, 100}, time.Duration(bake) * time.Minute
	case Linear:
		pct, bake := DefaultStepPercent, DefaultStepBake
		if l := dc.LinearConfiguration; l != nil {
			if l.StepPercent != nil {
				pct = *l.StepPercent
			}
			if l.StepBakeTimeInMinutes != nil {
				bake = *l.StepBakeTimeInMinutes
			}
		}
		var out []float64
		for i := 1; ; i++ {
			p := math.Round(float64(i)*pct*10) / 10
			if p >= 100 {
				return append(out, 100), time.Duration(bake) * time.Minute
			}
			out = append(out, p)
		}
	}
	return []float64{100}, 0
}

// Print is a plan as text, one step a line, for tests and `ecsmini` output.
func Print(steps []Step) string {
	var b strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&b, "%2d %-29s green %5.1f%%", i, s.Stage, s.Green)
		if s.Test {
			b.WriteString(" test:green")
		}
		if !s.Blue {
			b.WriteString(" blue:stopped")
		}
		if s.WaitGreen {
			b.WriteString(" wait:green-ready")
		}
		if s.Wait > 0 {
			fmt.Fprintf(&b, " wait:%s", s.Wait)
		}
		if len(s.HookStages) > 0 {
			fmt.Fprintf(&b, " hooks:%s", strings.Join(s.HookStages, ","))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
