// Package taskdef turns a RegisterTaskDefinition request into the task definition ECS
// would store, or into the ClientException ECS would return.
//
// Build is pure: no I/O, no clock, no ARNs. The caller (the control plane) assigns the
// ARN, revision, status and registration time, and keeps the request's tags.
//
// Unlike ECS, which stops at the first problem, Build reports every problem it finds in
// one error, so a user fixes a broken task definition in one deploy instead of ten. The
// first sentence is always the text ECS itself would have returned, so scripts matching
// on ECS messages keep working. Texts known verbatim from real ECS are used as they are;
// the rest follow ECS's own phrasing patterns (see messages.go).
package taskdef
