package agent

import (
	"context"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Why an awsvpc task's network is gone, in the words its stop reasons use.
const (
	pauseRemoved         = "its pause container was removed outside ecsmini"
	pauseMissingAtAdopt  = "its pause container was gone when ecsmini started again"
	stalePauseImageHint  = "; an image built by an older ecsmini does not run this version's pause container: rebuild it with 'ecsmini image build'"
	pauseExitedFormat    = "its pause container (image %s) exited with code %d"
	networkGoneErrPrefix = "ResourceInitializationError: the task's network namespace is gone: "
)

// networkLost reports how an awsvpc task's network went away ("" while it is there, or
// the task has none): its pause container, which holds the namespace every container
// joined and publishes the task's ports, exited or was removed. The runtime's die and
// destroy events of the pause container carry the task's labels, so they wake the
// runner, which looks here on every step.
func (r *runner) networkLost(ctx context.Context, task *ecs.Task) string {
	if r.lostNetwork != "" {
		return r.lostNetwork
	}
	if r.pauseID == "" {
		return ""
	}
	st, err := r.pauseState(ctx)
	switch {
	case isGone(err):
		return pauseRemoved
	case err != nil:
		r.a.cfg.Log.Error("inspect pause container", "task", r.arn, "err", err)
		return ""
	case st.Status != containers.Exited:
		return ""
	}
	why := fmt.Sprintf(pauseExitedFormat, r.a.cfg.PauseImage, st.ExitCode)
	if task.LastStatus < ecs.StatusRunning {
		// A pause container that exits before the task ran is most likely one whose
		// image an older ecsmini built, and which does not know this version's flags.
		why += stalePauseImageHint
	}
	return why
}

// pauseState inspects the pause container once a step: what provisioning saw, or the
// step's first look, serves the rest of it (each look is an engine round trip on the
// way to RUNNING).
func (r *runner) pauseState(ctx context.Context) (containers.State, error) {
	if r.pauseSeen != nil {
		return *r.pauseSeen, nil
	}
	st, err := r.a.cfg.Runtime.Inspect(ctx, r.pauseID)
	if err == nil {
		r.pauseSeen = &st
	}
	return st, err
}

// pauseExited explains a container that cannot join its awsvpc task's namespace because
// the pause container is gone; nil when there is none or it runs. A pause image built by
// an older ecsmini exits at once on flags it does not know, which is the likely cause.
func (r *runner) pauseExited(ctx context.Context) error {
	if r.pauseID == "" {
		return nil
	}
	st, err := r.a.cfg.Runtime.Inspect(ctx, r.pauseID)
	if err != nil || st.Status != containers.Exited {
		return nil
	}
	return fmt.Errorf(networkGoneErrPrefix+pauseExitedFormat+stalePauseImageHint, r.a.cfg.PauseImage, st.ExitCode)
}
