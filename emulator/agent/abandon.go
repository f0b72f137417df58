package agent

import "context"

// abandon removes the containers of a task the control plane no longer knows (its
// state was reset): a container never outlives its task's record. Errors are logged;
// there is no task left to record them on.
func (r *runner) abandon(ctx context.Context) {
	rt := r.a.cfg.Runtime
	for name, id := range r.ids {
		if err := rt.Remove(ctx, id); err != nil && !isGone(err) {
			r.a.cfg.Log.Error("remove container of a forgotten task", "task", r.arn, "container", name, "err", err)
		}
	}
	if r.pauseID != "" {
		if err := rt.Remove(ctx, r.pauseID); err != nil && !isGone(err) {
			r.a.cfg.Log.Error("remove pause container of a forgotten task", "task", r.arn, "err", err)
		}
		r.a.releasePause(r.pauseID)
	}
	r.removeVolumes(ctx)
	if r.timer != nil {
		r.timer.Stop()
	}
	r.a.forget(r.arn)
}
