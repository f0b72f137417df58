package lb

import (
	"sort"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// State is a target's health state, with ELB's TargetHealth.State names.
type State string

// The ELB target health states.
const (
	StateInitial   State = "initial"   // registered, not yet HealthyThreshold good checks
	StateHealthy   State = "healthy"   // receives new connections
	StateUnhealthy State = "unhealthy" // failed UnhealthyThreshold checks in a row
	StateDraining  State = "draining"  // deregistered; existing connections continue
	StateUnused    State = "unused"    // not registered (drain finished, or never known)
)

// ELB's TargetHealth.Reason codes, so what the integrator shows reads like AWS.
const (
	ReasonRegistrationInProgress   = "Elb.RegistrationInProgress"
	ReasonFailedHealthChecks       = "Target.FailedHealthChecks"
	ReasonTimeout                  = "Target.Timeout"
	ReasonDeregistrationInProgress = "Target.DeregistrationInProgress"
	ReasonNotRegistered            = "Target.NotRegistered"
)

// TargetHealth is one target as Targets reports it.
type TargetHealth struct {
	ID          string
	Addr        string
	State       State
	Reason      string // ELB reason code; empty when healthy
	Description string // the last failed check's error, when unhealthy
	ActiveConns int
}

// target is one registered target. All fields are guarded by Balancer.mu.
type target struct {
	id, addr    string
	group       string // the revision the target belongs to, for weights (weights.go)
	state       State
	reason      string
	description string

	okRun, failRun int    // consecutive check results
	gen            uint64 // bumped by (re)registration and deregistration; stale timers and checks compare it
	inflight       uint64 // gen of the health check dial in flight, 0 if none

	checkTimer, drainTimer, graceTimer clock.Timer
	conns                              map[*proxyConn]struct{}
}

func (t *target) stopTimers() {
	for _, timer := range []clock.Timer{t.checkTimer, t.drainTimer, t.graceTimer} {
		if timer != nil {
			timer.Stop()
		}
	}
	t.checkTimer, t.drainTimer, t.graceTimer = nil, nil, nil
}

// Register adds a target (addr is host:port) or confirms it. A new target starts
// "initial" and is health-checked at once and then every HealthInterval. Registering a
// draining target cancels its drain and restarts it as "initial"; registering a known id
// with a new addr does the same for the new addr. Otherwise it is a no-op.
func (b *Balancer) Register(id, addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	t := b.targets[id]
	switch {
	case t == nil:
		t = &target{id: id, addr: addr, conns: map[*proxyConn]struct{}{}}
		b.targets[id] = t
	case t.state == StateDraining || t.addr != addr:
		t.stopTimers()
		t.addr = addr
		for c := range t.conns {
			c.closing = false
		}
	default:
		return
	}
	t.gen++
	t.okRun, t.failRun = 0, 0
	b.setStateLocked(t, StateInitial, ReasonRegistrationInProgress, "")
	b.startCheckLocked(t)
	b.scheduleCheckLocked(t)
}

// Deregister starts draining a target: it gets no new connections, and its existing
// ones continue until they end or DeregistrationDelay passes (then they are closed at
// their next quiet point, or cut closeGrace later). When the last one is gone the target
// is removed ("unused"). Unknown or already draining ids are ignored.
func (b *Balancer) Deregister(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.targets[id]
	if b.closed || t == nil || t.state == StateDraining {
		return
	}
	t.stopTimers()
	t.gen++ // in-flight health checks no longer count
	b.setStateLocked(t, StateDraining, ReasonDeregistrationInProgress, "")
	if len(t.conns) == 0 {
		b.removeLocked(t)
		return
	}
	gen := t.gen
	t.drainTimer = b.cfg.Clock.AfterFunc(b.cfg.DeregistrationDelay, func() { b.drainDeadline(t, gen) })
}

// Drained reports whether id is neither registered nor draining: its drain finished, or
// it was never known. The control loop stops a task only once this is true.
func (b *Balancer) Drained(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, known := b.targets[id]
	return !known
}

// Health is id's state, StateUnused when it is not registered.
func (b *Balancer) Health(id string) State {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.targets[id]; ok {
		return t.state
	}
	return StateUnused
}

// Targets lists the registered and draining targets, sorted by ID.
func (b *Balancer) Targets() []TargetHealth {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]TargetHealth, 0, len(b.targets))
	for _, t := range b.targets {
		out = append(out, TargetHealth{
			ID: t.id, Addr: t.addr, State: t.state, Reason: t.reason,
			Description: t.description, ActiveConns: len(t.conns),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// setStateLocked records a state change, logs it and schedules an OnChange call.
func (b *Balancer) setStateLocked(t *target, s State, reason, description string) {
	t.reason, t.description = reason, description
	if t.state == s {
		return
	}
	b.log.Info("target state", "target", t.id, "target_addr", t.addr, "from", t.state, "to", s, "reason", reason)
	t.state = s
	b.notify()
}

// removeLocked forgets a target whose drain is over.
func (b *Balancer) removeLocked(t *target) {
	t.stopTimers()
	t.gen++
	delete(b.targets, t.id)
	b.setStateLocked(t, StateUnused, ReasonNotRegistered, "")
}
