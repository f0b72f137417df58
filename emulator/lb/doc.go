// Package lb is ecsmini's local load balancer for ECS service target groups: one TCP
// (layer 4) balancer per target group, listening on 127.0.0.1, spreading client
// connections over the service's RUNNING tasks, each reached at
// 127.0.0.1:<published host port>.
//
// The control loop owns the lifecycle (DESIGN.md principle 4); the balancer only
// reports:
//
//	b, err := lb.New(lb.Config{Name: tgARN, Listen: "127.0.0.1:8080", Clock: clk, OnChange: nudgeLoop})
//	b.Register(taskARN, "127.0.0.1:32768") // task RUNNING
//	b.Health(taskARN)                      // initial → healthy (or unhealthy)
//	b.Deregister(taskARN)                  // before stopping the task
//	b.Drained(taskARN)                     // stop the task once this is true
//	b.Targets()                            // for DescribeTargetHealth and the dashboard
//	b.Close()                              // service deleted or emulator shutting down
//
// OnChange is a nudge, not an event stream: calls are coalesced, come from one
// goroutine of the balancer outside its locks, and say "some target changed state";
// the loop then reads Drained/Health/Targets. OnChange must return (Close waits for a
// running call) and must not call Close.
//
// # Health
//
// Health checks are TCP connects (timeout: the interval or 1s, whichever is less), run
// at registration and every HealthInterval thereafter, never two at once per target.
// A target goes initial → healthy after HealthyThreshold successes in a row, and
// healthy or initial → unhealthy after UnhealthyThreshold failures in a row. States and
// reason codes are ELB's (TargetHealth.State and .Reason). Draining targets are not
// checked. Defaults: interval 2s, thresholds 2 and 2, deregistration delay 5s.
//
// # Routing
//
// New connections go round robin over the healthy targets (sorted by ID, so the order
// is predictable in tests and logs). Round robin rather than least-connections: it
// spreads short and long connections alike, and after a deployment the new tasks get
// their share of new connections at once. With no healthy target the balancer fails
// open to initial and unhealthy ones, as ELB does; they are also the last resort after
// every healthy target refused the connection. A failed connect moves on to the next
// candidate (each tried once per client connection) without touching the target's
// health, which only health checks decide; when none accepts, the client is closed.
// Draining targets never get new connections.
//
// # Draining
//
// Deregister moves a target to draining. Its connections continue untouched until they
// end or DeregistrationDelay passes; then each is ended at its next quiet point (see
// drain.go: the backend is half-closed once nothing is in flight and the backend spoke
// last, so an HTTP server finishes its response and closes), and whatever is still open
// closeGrace (1s) later is cut. When the last connection is gone the target is removed
// ("unused") and Drained reports true. So the longest drain is DeregistrationDelay + 1s.
// Keep-alive HTTP clients reconnect to the healthy targets, and a rolling deployment
// under load fails no request (TestRollingUpdateUnderLoad). Registering a draining
// target again cancels its drain; it starts over as initial.
//
// # Time and goroutines
//
// Health intervals and drain deadlines run on Config.Clock (clock.Fake in tests: every
// check and deadline fires inside Fake.Advance). Connect timeouts are wall time, set on
// net.Dialer: they bound real network operations, which a fast-forwarded clock must not
// shorten. Goroutines: one accept loop, one notifier (only with OnChange), two per
// proxied connection (one per direction), one per health check dial in flight. Each
// exits when its socket, dial or the balancer closes; Close closes everything and waits
// for all of them.
package lb
