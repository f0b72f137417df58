package serviceconnect

import "sync/atomic"

// Stats counts a listener's traffic since it started.
type Stats struct {
	Name string `json:"name"`
	Addr string `json:"addr"`
	// Endpoints is how many server tasks take traffic now.
	Endpoints int `json:"endpoints"`
	// Connections are the client connections accepted; Requests the HTTP requests
	// forwarded (0 for TCP listeners).
	Connections uint64 `json:"connections"`
	Requests    uint64 `json:"requests"`
	// ConnectFailures counts failed connections to endpoints (each retried elsewhere);
	// Failures the connections or requests that failed after every attempt; Timeouts
	// the requests that ran out of their per-request timeout.
	ConnectFailures uint64 `json:"connectFailures"`
	Failures        uint64 `json:"failures"`
	Timeouts        uint64 `json:"timeouts"`
}

type counters struct {
	connections, requests, connectFailures, failures, timeouts atomic.Uint64
}
