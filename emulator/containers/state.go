package containers

import (
	"context"
	"errors"
	"time"
)

// Status is where a container is in its lifecycle, in lifecycle order.
type Status int

// Container statuses.
const (
	Created Status = iota
	Running
	Exited
)

func (s Status) String() string {
	switch s {
	case Created:
		return "created"
	case Running:
		return "running"
	case Exited:
		return "exited"
	}
	return "unknown"
}

// Health is a container's health-check status.
type Health int

// Health statuses. None means the container has no health check.
const (
	HealthNone Health = iota
	HealthStarting
	HealthHealthy
	HealthUnhealthy
)

func (h Health) String() string {
	switch h {
	case HealthNone:
		return "none"
	case HealthStarting:
		return "starting"
	case HealthHealthy:
		return "healthy"
	case HealthUnhealthy:
		return "unhealthy"
	}
	return "unknown"
}

// State is a container as Inspect and List report it.
type State struct {
	ID          string
	Name        string
	Image       string // as in the spec
	ImageID     string // sha256:...
	Labels      map[string]string
	Status      Status
	ExitCode    int  // valid when Exited
	OOMKilled   bool // the kernel killed it for exceeding MemoryLimit
	Error       string
	Health      Health
	CreatedAt   time.Time
	StartedAt   time.Time // zero until started
	FinishedAt  time.Time // zero until exited
	Ports       []PortBinding
	IPAddresses map[string]string // network name → IPv4 address
}

// EventKind names what happened to a container.
type EventKind string

// Event kinds. Die carries the exit code; Health the new health; OOM precedes the Die
// of a container the kernel killed for memory.
const (
	EventCreate  EventKind = "create"
	EventStart   EventKind = "start"
	EventDie     EventKind = "die"
	EventOOM     EventKind = "oom"
	EventHealth  EventKind = "health"
	EventDestroy EventKind = "destroy"
)

// Event is one container lifecycle event.
type Event struct {
	ID       string
	Kind     EventKind
	At       time.Time
	Labels   map[string]string // read only: a runtime may share it between events
	ExitCode int               // for EventDie
	Health   Health            // for EventHealth
	// Handled, when set, must be called once the consumer has acted on the event (see
	// clock.Activity); nil for untracked streams.
	Handled func() `json:"-"`
}

// Done tells a tracked stream that the event has been acted on; a no-op otherwise.
func (e Event) Done() {
	if e.Handled != nil {
		e.Handled()
	}
}

// TrackedEvents is implemented by runtimes that can count their events as simulated
// work (the simulated runtime); the agent prefers it to Events. A tracked stream that
// fails sends a *StreamError, which holds a token as its events do.
type TrackedEvents interface {
	TrackedEvents(ctx context.Context) (<-chan Event, <-chan error)
}

// StreamError is the error a tracked event stream ends with. Like an event it holds an
// activity token until the consumer has acted on it (arranged to subscribe again, say):
// without it a Settle would see nothing under way between the stream's end and the
// consumer's reaction, and return before the reaction.
type StreamError struct {
	Err     error
	Handled func() // nil when the stream is not tracked
}

func (e *StreamError) Error() string { return e.Err.Error() }
func (e *StreamError) Unwrap() error { return e.Err }

// StreamErrorDone tells a tracked stream that the error it ended with has been acted
// on; a no-op for any other error, nil included.
func StreamErrorDone(err error) {
	var se *StreamError
	if errors.As(err, &se) && se.Handled != nil {
		se.Handled()
	}
}

// Stats is one sample of a container's resource usage, with the counters Docker's
// stats API reports (the task metadata endpoint serves them in Docker's shape).
type Stats struct {
	Read           time.Time
	CPUTotalNanos  uint64 // cumulative CPU time of the container
	SystemCPUNanos uint64 // cumulative CPU time of the host
	OnlineCPUs     int
	MemoryUsage    uint64 // bytes
	MemoryLimit    uint64 // bytes
	NetworkRxBytes uint64
	NetworkTxBytes uint64
	PIDs           uint64
}
