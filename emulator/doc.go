// Package emulator is ecsmini's control plane: the facade every ECS operation goes
// through, and the single owner of state.
//
// Each operation validates its input against a consistent view of the state and commits
// its change as one store transaction (all or nothing), journalled before the caller is
// answered. Resources are partitioned by region, as in AWS: the caller's region comes
// from the request context (its SigV4 credential scope), else the configured region.
//
// Glossary: a "ref" is what a caller passes to name a resource (a name or an ARN); a
// "key" is the store key of a resource (region, NUL, name ...), ordered so that listings
// page in ECS's order.
package emulator
