package scheduler

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// scaleIn stops the primary deployment's tasks beyond desiredCount. Tasks that are not
// yet RUNNING go first, then ones not yet healthy, then those the placement strategy
// picks on simulated instances (ScaleInOrder, §4.3), else the newest (on the laptop
// alone there is no AZ or instance to balance; ecsmini keeps the longest-running). Protected tasks are never picked (§5.11);
// when they alone exceed desiredCount the service says it cannot scale in.
func (pl *planner) scaleIn(good []TaskView) {
	excess := len(good) - pl.in.DesiredCount
	if excess <= 0 {
		return
	}
	now := pl.in.Now
	var cands []TaskView
	for _, t := range good {
		if !t.protected(now) {
			cands = append(cands, t)
		}
	}
	rank := func(t TaskView) int {
		switch {
		case !t.running():
			return 0
		case !t.healthy(now):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cands, func(a, b TaskView) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		// Tasks the placement strategy ranked go first, in its order (unranked ones
		// after them: a comparison must order every pair the same way).
		if c := cmp.Compare(scaleInKey(a), scaleInKey(b)); c != 0 {
			return c
		}
		return b.StartedAt.Compare(a.StartedAt)
	})
	cause := fmt.Sprintf("scale-in: desired %d, %d running or pending", pl.in.DesiredCount, len(good))
	for _, t := range cands[:min(excess, len(cands))] {
		pl.stop(t, cause, scalingReason(pl.prim().ID), false)
	}
	if len(cands) < excess {
		pl.p.Waits = append(pl.p.Waits, fmt.Sprintf("%d protected tasks block scale-in", excess-len(cands)))
		pl.p.Events = append(pl.p.Events, Event{Kind: EventProtected, Service: pl.in.Name, Deployment: pl.prim().ID})
	}
}

// scaleInKey is a task's ScaleInOrder, with unranked tasks last.
func scaleInKey(t TaskView) int {
	if t.ScaleInOrder > 0 {
		return t.ScaleInOrder
	}
	return math.MaxInt
}

// unprotected says some task of ts could be stopped by a deployment.
func (pl *planner) unprotected(ts []TaskView) bool {
	for _, t := range ts {
		if !t.protected(pl.in.Now) {
			return true
		}
	}
	return false
}

func (pl *planner) stoppedIDs() []string {
	var ids []string
	for _, s := range pl.p.Stop {
		ids = append(ids, taskID(s.TaskARN))
	}
	return ids
}
