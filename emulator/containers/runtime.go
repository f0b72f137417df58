package containers

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors a Runtime returns, wrapped with detail; test them with errors.Is.
var (
	// ErrImageNotFound: the image is not present and cannot be pulled (offline is normal).
	ErrImageNotFound = errors.New("image not found")
	// ErrNotFound: no container (or network) with that ID or name.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a container or network name is already in use, or a host port is taken.
	ErrConflict = errors.New("conflict")
)

// LogNotifier is implemented by a follow stream of Runtime.Logs that can say when it
// has something to read, so a follower need not keep a goroutine blocked in Read for a
// container's whole life. The simulated runtime's streams are (a simulated container
// prints its output at start, then only ends: 5,000 simulated tasks held 5,000 blocked
// goroutines, 6 KiB of stack each); Docker's are not.
type LogNotifier interface {
	// Readable reports whether a Read would return at once, with data or at the end.
	Readable() bool
	// WhenReadable calls f once as soon as a Read would return at once: at once if it
	// already would. f must not block; it may run with the runtime's locks held.
	WhenReadable(f func())
}

// Runtime is a container engine. Every method is safe for concurrent use. Methods that
// wait (Stop) honour ctx; none retries on its own.
type Runtime interface {
	// Name is "docker" or "sim".
	Name() string

	// EnsureImage makes image available locally, pulling it when absent, and returns its
	// digest. An image neither present nor pullable is ErrImageNotFound.
	EnsureImage(ctx context.Context, image string) (Image, error)

	// EnsureNetwork creates the network if no network of that name exists (idempotent)
	// and returns it. RemoveNetwork removes it; an absent network is not an error.
	EnsureNetwork(ctx context.Context, spec NetworkSpec) (Network, error)
	RemoveNetwork(ctx context.Context, name string) error

	// EnsureVolume creates the named volume if no volume of that name exists
	// (idempotent: an existing one is kept as it is, whatever its labels) and returns
	// nil once it exists. A volume of that name with another driver is ErrConflict.
	// InspectVolume reports a volume; an absent one is ErrNotFound. RemoveVolume removes
	// a volume; an absent one is not an error, one still mounted by a container (in any
	// status) is ErrConflict. Named volumes outlive their containers: Remove only takes
	// anonymous ones (a volume Mount without Source) with it.
	EnsureVolume(ctx context.Context, spec VolumeSpec) error
	InspectVolume(ctx context.Context, name string) (Volume, error)
	RemoveVolume(ctx context.Context, name string) error

	// Create creates (does not start) a container and returns its ID. A name in use is
	// ErrConflict; an absent image is ErrImageNotFound (Create never pulls). A volume
	// Mount naming an absent volume creates it (local driver, the Mount's VolumeLabels),
	// as Docker does.
	Create(ctx context.Context, spec Spec) (string, error)
	// Start starts a created container. Starting a running container is a no-op. A
	// host port already taken is ErrConflict.
	Start(ctx context.Context, id string) error
	// Stop sends the spec's stop signal (SIGTERM by default), waits up to timeout for the
	// container to exit, then kills it (SIGKILL, exit code 137). It returns once the
	// container has exited; stopping an exited container is a no-op.
	Stop(ctx context.Context, id string, timeout time.Duration) error
	// Remove kills the container if it runs and removes it with its anonymous volumes.
	// An absent container is not an error.
	Remove(ctx context.Context, id string) error

	// Inspect reports a container's state; an unknown ID is ErrNotFound.
	Inspect(ctx context.Context, id string) (State, error)
	// List reports the containers (any status) whose labels include every given label.
	List(ctx context.Context, labels map[string]string) ([]State, error)

	// Events streams lifecycle events of all containers from the time of the call until
	// ctx ends or the stream fails; the error channel receives at most one error and both
	// channels are closed when the stream ends.
	Events(ctx context.Context) (<-chan Event, <-chan error)

	// Logs returns the container's stdout and stderr as text lines (stderr lines are
	// not marked). With follow it keeps streaming until the container exits or ctx ends.
	Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error)
	// Stats samples the container's resource usage once.
	Stats(ctx context.Context, id string) (Stats, error)

	// Execer runs a command in a running container (ECS Exec).
	Execer
}

// Renamer is implemented by runtimes that can rename a container (Docker can): the
// agent gives a pause container it started ahead of need its task's name once a task
// takes it. A name in use is ErrConflict; an unknown ID is ErrNotFound.
type Renamer interface {
	Rename(ctx context.Context, id, name string) error
}

// Image is a local image.
type Image struct {
	Ref    string // as asked for, e.g. ecsmini-demo:latest
	ID     string // sha256:... image ID
	Digest string // repo digest when known (sha256:...), else ""
}

// NetworkSpec describes a network to create.
type NetworkSpec struct {
	Name   string
	Labels map[string]string
	// Internal networks have no route outside (ECS's none-like task networks).
	Internal bool
}

// Network is a created network.
type Network struct {
	ID, Name string
	Subnet   string // CIDR, e.g. 172.30.0.0/16
	Gateway  string
}

// VolumeSpec describes a named volume to create. An empty Driver is "local".
type VolumeSpec struct {
	Name       string
	Driver     string
	DriverOpts map[string]string
	Labels     map[string]string
}

// Volume is an existing named volume.
type Volume struct {
	Name   string
	Driver string
	Labels map[string]string
}
