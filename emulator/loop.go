package emulator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
)

// loop is the emulator's one control loop: every reconciler shares its kick channel,
// and a pass runs them all in a fixed order (daemons, services, Fargate, EC2, purges) at one
// instant of the emulator's clock. Handlers validate, commit and kick; nothing else owns
// a loop. A pass at a time: Run and Settle may both call pass.
type loop struct {
	kick   chan struct{}
	kicks  atomic.Uint64 // every kick counted, so Settle can tell a pass caused more work
	passMu sync.Mutex
	passes atomic.Int64 // so a test can tell a loop that spins
	// nextPurge is when the purges of expired resources next run (emulator time).
	nextPurge time.Time
}

func newLoop() *loop { return &loop{kick: make(chan struct{}, 1)} }

// poke asks for a pass soon.
func (l *loop) poke() {
	l.kicks.Add(1)
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// PurgeInterval is how often, in emulator time, expired resources are forgotten:
// deleted task definition revisions, STOPPED tasks, INACTIVE services and
// deregistered container instances.
const PurgeInterval = time.Minute

// pass runs every reconciler once at the clock's now and returns when the next one falls
// due (zero: nothing scheduled).
func (e *Emulator) pass() (time.Time, error) {
	e.loop.passMu.Lock()
	defer e.loop.passMu.Unlock()
	e.loop.passes.Add(1)
	now := e.cfg.Clock.Now()
	var next time.Time
	at := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	at(e.dm.Reconcile(now)) // before the services: a daemon's task has its instance first
	n, err := e.ReconcileServices()
	if err != nil {
		return n, fmt.Errorf("service scheduler: %w", err)
	}
	at(n)
	at(e.fg.Due(now))
	at(e.ReconcileEC2())
	at(e.agents.Reconcile(now))
	n, err = e.purge(now)
	at(n)
	if err != nil {
		return next, err
	}
	n, err = e.reconcileExtensions(now)
	at(n)
	return next, err
}

// purge forgets what has expired, at most once per PurgeInterval of emulator time, and
// returns when it next runs.
func (e *Emulator) purge(now time.Time) (time.Time, error) {
	if !e.loop.nextPurge.IsZero() && now.Before(e.loop.nextPurge) {
		return e.loop.nextPurge, nil
	}
	e.loop.nextPurge = now.Add(PurgeInterval)
	if err := taskdefs.Reap(e.st, now, TaskDefinitionDeleteGrace); err != nil {
		return e.loop.nextPurge, fmt.Errorf("purge deleted task definitions: %w", err)
	}
	if err := e.reapStoppedTasks(now, e.cfg.StoppedTaskTTL); err != nil {
		return e.loop.nextPurge, fmt.Errorf("forget stopped tasks: %w", err)
	}
	if err := e.ctl.ReapInactive(now, e.cfg.StoppedTaskTTL); err != nil {
		return e.loop.nextPurge, fmt.Errorf("forget inactive services: %w", err)
	}
	if err := e.inst.Reap(now, InstanceTTL); err != nil {
		return e.loop.nextPurge, fmt.Errorf("forget deregistered container instances: %w", err)
	}
	if err := e.reapClusters(now, ClusterTTL); err != nil {
		return e.loop.nextPurge, fmt.Errorf("forget deleted clusters: %w", err)
	}
	return e.loop.nextPurge, nil
}

// Run drives the control loop until ctx ends: a pass whenever something kicks it and
// when the clock reaches the earliest time a reconciler asked to be woken. It returns
// nil when ctx ends, or the error of a pass that could not complete.
func (e *Emulator) Run(ctx context.Context) error {
	defer e.ctl.CloseLoadBalancers()
	var timer clock.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		next, err := e.pass()
		if err != nil {
			return err
		}
		if timer != nil {
			timer.Stop()
			timer = nil
		}
		if !next.IsZero() {
			timer = e.cfg.Clock.AfterFunc(max(next.Sub(e.cfg.Clock.Now()), 0), e.loop.poke)
			if !e.cfg.Clock.Now().Before(next) {
				// The clock passed next while the timer was being armed (a fake clock
				// advanced by a test, a fast-forward): the timer counts from then and
				// would fire late, so pass again now.
				e.loop.poke()
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-e.loop.kick:
		}
	}
}

// maxSettlePasses bounds Settle: a simulation that keeps finding work at one instant
// has a bug (two rules undoing each other), which Settle reports instead of spinning.
const maxSettlePasses = 10_000

// ErrUnsettled is returned by Settle when the simulation never runs out of work at the
// current time.
var ErrUnsettled = errors.New("the simulation does not settle: it keeps finding work at the same instant")

// Settle runs control passes, waiting for the agent and the simulated runtime in
// between (Config.Activity), until nothing is left to do at the current clock time:
// no kick, no work under way, nothing due. Scenario tests advance the fake clock and
// settle, then assert exactly, absences included.
func (e *Emulator) Settle(ctx context.Context) error {
	for range maxSettlePasses {
		if err := e.cfg.Activity.Wait(ctx); err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		kicks := e.loop.kicks.Load()
		next, err := e.pass()
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		if err := e.cfg.Activity.Wait(ctx); err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		if e.loop.kicks.Load() == kicks && (next.IsZero() || next.After(e.cfg.Clock.Now())) {
			return nil
		}
	}
	return ErrUnsettled
}
