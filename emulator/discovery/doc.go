// Package discovery serves the names of a cluster's services to its tasks' DNS servers,
// so that http://api:8080 works from a web task as it does with ECS Service Connect or
// Cloud Map service discovery.
//
// Every awsvpc task's pause container runs a small DNS server (ecsmini workload --dns,
// in internal/workload) in the task's network namespace, which every container of the
// task shares. It polls
//
//	GET /_ecsmini/dns/v1?cluster=<cluster ARN>&own-ports=8080
//	→ {"records": {"api.demo.local": ["172.18.0.5", "172.18.0.6"], "api": ["127.255.12.34"]},
//	   "srv": {"api.demo.local": [{"target": "<task id>.api.demo.local", "port": 8080}]},
//	   "proxies": [{"name": "api", "addr": "127.255.12.34:80", "appProtocol": "http",
//	                "endpoints": ["172.18.0.5:8080", "172.18.0.6:8080"]}]}
//
// on the metadata endpoints listener, answers A and SRV queries for those names (TTL
// 1 s), forwards every other name to the resolver Docker gave the container, and runs
// the Service Connect listeners (package serviceconnect) in the task's namespace. This
// package is that endpoint: an http.Handler over a Source (a TableSource for SRV records
// and listeners), which the emulator implements. The names and addresses are the
// Source's; the handler only normalises them (lower-case names without a trailing dot,
// valid IPv4 addresses, sorted and without repeats) and leaves out the listeners on the
// asking task's own ports.
package discovery
