// Package dockerrt is ecsmini's adapter to the Docker Engine API, and the only package
// that imports the Docker client. It finds the engine the way the docker CLI does
// (DOCKER_HOST, else the current Docker context, else the default socket) and
// negotiates the API version, so any reasonably recent engine works (20.10 / API 1.41
// and later).
//
// *Engine implements containers.Runtime. The mappings are pure functions, table-tested
// without an engine: Spec → create request (spec.go), inspect response → State
// (state.go), engine event → Event (events.go), engine error → the port's sentinels
// (errors.go). Ports are published on 127.0.0.1 unless a spec names another address:
// ecsmini serves the developer's machine, never the LAN. BuildImage packages files into
// an image with the classic builder, which needs no registry for FROM scratch.
//
// The docker tier (`go test -tags docker`) packages ecsmini as a FROM scratch image,
// runs the runtimetest conformance suite and the adapter's own cases on the real
// engine, and fails when anything labelled ecsmini.test=1 is left behind.
package dockerrt
