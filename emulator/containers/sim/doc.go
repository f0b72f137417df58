// Package sim is the simulated container runtime: containers.Runtime entirely in memory,
// for `ecsmini up --runtime sim`, for tests of everything above the runtime port and for
// scheduling thousands of tasks without Docker. It is a real state machine (created →
// running → exited, with health, OOM kills and stop timeouts), never a script of expected
// calls, and it passes the same conformance suite (containers/runtimetest) as the Docker
// adapter, so code tested on it behaves the same on Docker.
//
// All timing goes through the injected clock.Clock: with a clock.Fake, exits, kills,
// health probes and start delays happen inside Fake.Advance, deterministically.
//
// # What a container does
//
// A container's behaviour comes from its Spec. `ecsmini workload` arguments anywhere in
// Entrypoint+Cmd (after a "workload" word) are honoured, so one task definition behaves
// the same under both runtimes; ecsmini.sim/* labels override them:
//
//	label                    workload flag      meaning
//	ecsmini.sim/exit-code    --exit-code N      code of a self-exit (0..255, default 0)
//	ecsmini.sim/exit-after   --exit-after D     exit by itself D after start (Go duration);
//	                                            absent: run until stopped; "0s": at once
//	ecsmini.sim/ignore-sigterm --ignore-sigterm Stop must wait for its timeout and kill (137)
//	ecsmini.sim/allocate-mib --allocate-mb N    memory held after start; above a non-zero
//	                                            Spec.MemoryLimit the container is OOM-killed
//	                                            (OOMKilled, 137) OOMDelay after start
//	ecsmini.sim/health       --unhealthy        healthy|unhealthy: result of the Spec's
//	                                            health check (default healthy)
//	ecsmini.sim/output       --log TEXT         log lines printed at start (label: lines
//	                                            separated by \n; flag: repeatable)
//	ecsmini.sim/start-delay  (none)             Start takes this long (Go duration)
//	ecsmini.sim/cpu-percent  (none)             steady CPU use while running, in percent
//	                                            of one CPU (default 2)
//	ecsmini.sim/burn-cpu     --burn-cpu D       one whole CPU more for D after start (Go
//	                                            duration): a load that then goes away
//
// Flags are parsed leniently (--flag value, --flag=value, one or two dashes; unknown flags
// and words are ignored); a bad value of a known flag or label is an ErrBehaviour from
// Create, so a typo fails loudly instead of running forever.
//
// Other rules:
//   - A stop signal (SIGTERM unless Spec.StopSignal says otherwise) ends a container at
//     once with exit code 0, as `ecsmini workload` exits 0 on SIGTERM. SIGKILL as the stop
//     signal, a container that ignores the signal once the timeout passes, a timeout of
//     zero or less with an ignoring container, and Remove of a running container all exit
//     137.
//   - Health follows Docker: Starting at start, a probe every Interval (default 30s), one
//     pass makes it Healthy, Retries (default 3) consecutive failures after StartPeriod make
//     it Unhealthy. A check whose command is `false` or `exit N` (N ≠ 0) fails; Test NONE
//     is no check.
//   - Images are all present (as if pulled) except a missing one: listed in
//     Options.MissingImages, reported by Options.IsMissing, containing "missing" or on a
//     registry host ending in ".invalid" (RFC 2606). EnsureImage and Create of a missing
//     image are ErrImageNotFound.
//   - Host ports: HostPort 0 gets the next free port of 49153–65535 (cycling, never one in
//     use); a fixed port in use is ErrConflict at Start. Ports are held while running.
//   - Addresses: "bridge" (the default) is 172.17.0.0/16; each EnsureNetwork gets its own
//     /16 (172.18–172.31, then 10.0–10.255), big enough for thousands of tasks on one
//     per-cluster network; running containers get addresses from .0.2 upwards in order.
//   - Stats are deterministic functions of the clock: 2% of one CPU while running
//     (cpu-percent), plus one CPU during burn-cpu, 4 MiB
//     plus the allocated memory (capped at the limit), 1 KiB/s received, 512 B/s sent.
//   - Events go to every subscriber through its own queue, so the state machine never
//     blocks; a subscriber more than Options.EventBuffer events behind gets an error and
//     its stream ends.
package sim
