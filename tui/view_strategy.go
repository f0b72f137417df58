package tui

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// shifting is whether a service deploys by moving production traffic between two
// colours (BLUE_GREEN, LINEAR, CANARY) rather than rolling.
func shifting(s *ecs.Service) bool {
	if s.DeploymentConfiguration == nil {
		return false
	}
	switch s.DeploymentConfiguration.Strategy {
	case "BLUE_GREEN", "LINEAR", "CANARY":
		return true
	}
	return false
}

// colourOf names a deployment of a shifting service: green is the revision being
// deployed (PRIMARY), blue the one it replaces (ACTIVE).
func colourOf(d ecs.Deployment) string {
	switch d.Status {
	case "PRIMARY":
		return "green"
	case "ACTIVE":
		return "blue"
	}
	return "-"
}

// trafficSplit is the production split of a service's load balancers, as
// "blue 80% · green 20%", or "" when no load balancer reports weights.
func (m Model) trafficSplit(s *ecs.Service) string {
	for _, lb := range s.LoadBalancers {
		w := m.snap.Weights[lb.TargetGroupArn]
		if len(w) == 0 {
			continue
		}
		var sum, blue, green float64
		for _, d := range s.Deployments {
			switch colourOf(d) {
			case "green":
				green += w[d.ID]
			case "blue":
				blue += w[d.ID]
			}
		}
		for _, v := range w {
			sum += v
		}
		if sum <= 0 {
			continue
		}
		return fmt.Sprintf("blue %s · green %s", percent(blue/sum), percent(green/sum))
	}
	return ""
}

// percent shows a share (0..1) as a percent with at most one decimal.
func percent(f float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", f*100), ".0") + "%"
}

// strategyLine sums up a shifting deployment: the strategy, the production traffic
// split, the bake countdown and the lifecycle stage of the deployment in progress (in
// that order, so a narrow terminal clips the least telling part).
func (m Model) strategyLine(c *ClusterState, s *ecs.Service) string {
	parts := []string{" " + s.DeploymentConfiguration.Strategy}
	if split := m.trafficSplit(s); split != "" {
		parts = append(parts, "traffic "+split)
	}
	if r, ok := c.Rollouts[s.ServiceName]; ok {
		if !r.BakeEnds.IsZero() {
			if left := r.BakeEnds.Sub(m.emuNow()); left > 0 {
				parts = append(parts, "bake ends in "+age(left))
			} else {
				parts = append(parts, "bake over")
			}
		}
		if r.LifecycleStage != "" {
			parts = append(parts, "stage "+r.LifecycleStage)
		}
	}
	return strings.Join(parts, "  ")
}

// taskSetRows are the task sets of an EXTERNAL or CODE_DEPLOY service.
func (m Model) taskSetRows(s *ecs.Service) ([]column, []row) {
	cols := []column{{title: "TASK SET", min: 8, max: 28}, {title: "STATUS"}, {title: "TASK DEF", max: 28, drop: 2},
		{title: "SCALE", right: true}, {title: "DESIRED", right: true}, {title: "RUNNING", right: true},
		{title: "PENDING", right: true, drop: 3}, {title: "STABILITY", min: 9}, {title: "TARGET GROUP", max: 40, drop: 1}}
	var rows []row
	for _, ts := range s.TaskSets {
		scale := "-"
		if ts.Scale != nil {
			scale = fmt.Sprintf("%g", ts.Scale.Value)
			if ts.Scale.Unit == "PERCENT" {
				scale += "%"
			}
		}
		var tgs []string
		for _, lb := range ts.LoadBalancers {
			tgs = append(tgs, Name(strings.TrimSuffix(lb.TargetGroupArn, "/"+Name(lb.TargetGroupArn))))
		}
		stab := m.st.warn
		if ts.StabilityStatus == "STEADY_STATE" {
			stab = m.st.good
		}
		rows = append(rows, row{plain(ts.ID), plain(ts.Status), plain(family(ts.TaskDefinition)), plain(scale),
			plain(fmt.Sprint(ts.ComputedDesiredCount)), plain(fmt.Sprint(ts.RunningCount)), plain(fmt.Sprint(ts.PendingCount)),
			styled(dash(ts.StabilityStatus), stab), plain(dash(strings.Join(tgs, " ")))})
	}
	return cols, rows
}
