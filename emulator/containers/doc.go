// Package containers is ecsmini's narrow port to a container engine: the few operations
// the task agent needs, in ecsmini's own types. internal/dockerrt implements it on the
// Docker Engine; containers/sim implements the same behaviour in memory, for
// `--runtime sim`, for tests and for scale. containers/runtimetest is the conformance
// suite both must pass, so "same behaviour" is checked rather than hoped for.
//
// Lifecycle of a container, in order: Created → Running → Exited (Removed is the
// absence of the container). A container leaves Running when its process exits by itself,
// when Stop's signal ends it, when the kernel kills it for memory (OOMKilled) or when
// Remove kills it. Health is separate: None when the spec has no check, else Starting →
// Healthy / Unhealthy as the check's results and retries say.
package containers
