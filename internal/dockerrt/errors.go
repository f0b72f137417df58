package dockerrt

import (
	"strings"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// engineError is an engine failure classified for the port: errors.Is finds both the
// port's sentinel (containers.ErrNotFound, …) and the engine's own error, and the
// message stays the engine's, prefixed with what we were doing. ECS error texts (e.g.
// CannotPullContainerError) are built from that message, so it is not reworded.
type engineError struct {
	kind error // a containers.Err* sentinel, or nil when unclassified
	op   string
	err  error
}

func (e *engineError) Error() string { return e.op + ": " + e.err.Error() }

func (e *engineError) Unwrap() []error {
	if e.kind == nil {
		return []error{e.err}
	}
	return []error{e.kind, e.err}
}

// Hints in engine messages that carry no usable status code: the daemon reports a
// taken host port as a 500 from the network driver, and older engines report a missing
// image on create with a bare "No such image".
const (
	msgPortAllocated = "port is already allocated"
	msgAddrInUse     = "address already in use"
	msgNoSuchImage   = "No such image"
)

// wrapErr classifies an engine error for operation op (e.g. `create "web"`); nil stays
// nil. imageOp says a not-found can only be about an image (create, image inspect), so
// it becomes ErrImageNotFound rather than ErrNotFound.
func wrapErr(op string, err error, imageOp bool) error {
	if err == nil {
		return nil
	}
	return &engineError{kind: classify(err, imageOp), op: op, err: err}
}

func classify(err error, imageOp bool) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, msgPortAllocated), strings.Contains(msg, msgAddrInUse):
		return containers.ErrConflict
	case strings.Contains(msg, msgNoSuchImage):
		return containers.ErrImageNotFound
	case cerrdefs.IsNotFound(err) && imageOp:
		return containers.ErrImageNotFound
	case cerrdefs.IsNotFound(err):
		return containers.ErrNotFound
	case cerrdefs.IsConflict(err), cerrdefs.IsAlreadyExists(err):
		return containers.ErrConflict
	}
	return nil
}
