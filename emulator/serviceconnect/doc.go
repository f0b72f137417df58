// Package serviceconnect is ecsmini's Service Connect proxy: what the Envoy sidecar
// ECS injects into every Service Connect task does, small enough to run inside the
// task's pause container.
//
// ECS resolves a client alias (http://api:8080) inside a task to a loopback address of
// the 127.255.0.0/16 range, where the task's proxy listens on the alias port and
// forwards to the container port of one of the server service's healthy tasks. ecsmini
// does the same: the emulator computes a Listener per alias (its address, appProtocol,
// timeouts and the current endpoints), publishes it in the cluster's discovery table,
// and the pause container's workload feeds the table to a Proxy, whose listeners live
// in the task's network namespace so that every container of the task reaches them.
//
// The proxy balances round robin, retries a failed connection twice, never on the same
// endpoint, and leaves out for 30 s an endpoint that failed 5 connections in 30 s, as
// Service Connect does; TCP aliases are balanced per connection, HTTP
// aliases (appProtocol http, http2 or grpc) per request. Timeouts follow ECS's defaults:
// a request gets 15 s unless perRequestTimeoutSeconds says otherwise, an idle connection
// 5 minutes for HTTP and an hour for TCP unless idleTimeoutSeconds does; 0 disables.
//
// The package imports nothing of ecsmini: the workload (a static binary in a scratch
// image) links it.
package serviceconnect
