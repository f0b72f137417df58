// Package discovery serves the names of a cluster's services to its tasks' DNS servers,
// so that http://api:8080 works from a web task as it does with ECS Service Connect or
// Cloud Map service discovery.
//
// Every awsvpc task's pause container runs a small DNS server (ecsmini workload --dns,
// in internal/workload) in the task's network namespace, which every container of the
// task shares. It polls
//
//	GET /_ecsmini/dns/v1?cluster=<cluster ARN>
//	→ {"records": {"api": ["172.18.0.5", "172.18.0.6"], "api.local": [...]}}
//
// on the metadata endpoints listener, answers A queries for those names (TTL 1 s), and
// forwards every other name to the resolver Docker gave the container. This package is
// that endpoint: an http.Handler over a Source, which the emulator implements. The names
// and addresses are the Source's; the handler only normalises them (lower-case names
// without a trailing dot, valid IPv4 addresses, sorted and without repeats).
package discovery
