package emulator

import (
	"context"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicedefs"
)

// Reconciler is a reconciler from outside the emulator (Application Auto Scaling) that
// every pass runs after the built-in ones, at the same instant of the emulator clock.
// It returns when it next falls due (zero: nothing scheduled). It may call the
// emulator's API methods (they commit and kick), never pass or Settle.
type Reconciler interface {
	Reconcile(now time.Time) (time.Time, error)
}

// extensions holds the added reconcilers.
type extensions struct {
	mu          sync.Mutex
	reconcilers []Reconciler
}

// AddReconciler has every pass run r; call it before Run.
func (e *Emulator) AddReconciler(r Reconciler) {
	e.ext.mu.Lock()
	defer e.ext.mu.Unlock()
	e.ext.reconcilers = append(e.ext.reconcilers, r)
}

// Kick asks the control loop for a pass soon (after a change an added reconciler must
// look at, such as a new scaling policy).
func (e *Emulator) Kick() { e.loop.poke() }

// reconcileExtensions runs the added reconcilers and returns the earliest time one
// asked to be woken.
func (e *Emulator) reconcileExtensions(now time.Time) (time.Time, error) {
	e.ext.mu.Lock()
	rs := append([]Reconciler(nil), e.ext.reconcilers...)
	e.ext.mu.Unlock()
	var next time.Time
	for _, r := range rs {
		n, err := r.Reconcile(now)
		if err != nil {
			return next, err
		}
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next, nil
}

// ScaleService sets a replica service's desired count on behalf of a scaler and
// records message as a service event, in one commit. It answers the desired count
// before the change; a service that is not ACTIVE is ServiceNotActiveException.
func (e *Emulator) ScaleService(ctx context.Context, cluster, service string, desired int, message string) (int, error) {
	if desired < 0 || desired > servicedefs.MaxTasks {
		return 0, ecs.InvalidParameter("desiredCount must be between 0 and %d.", servicedefs.MaxTasks)
	}
	now := e.cfg.Clock.Now()
	old := 0
	_, err := e.changeService(ctx, cluster, service, func(_ string, r *serviceRecord) error {
		if r.Service.Status != ecs.ServiceActive {
			return ecs.Errorf(ecs.CodeServiceNotActive, "Service was not ACTIVE.")
		}
		old = r.Service.DesiredCount
		if old == desired || r.Service.SchedulingStrategy != ecs.SchedulingReplica {
			return errUnchanged
		}
		r.Service.DesiredCount = desired
		if p := r.Primary(); p != nil {
			p.DesiredCount = desired
		}
		if message != "" {
			r.AddEvents(now, message)
		}
		return nil
	})
	return old, err
}
