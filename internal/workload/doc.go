// Package workload is the program behind `ecsmini workload`: a small, deterministic
// container process for tests and demos. ecsmini packages itself as a FROM scratch image
// (no registry is reachable), so this program is what task containers run: it exits with
// a chosen code after a chosen time, handles or ignores SIGTERM, allocates memory to meet
// the OOM killer, prints fixed log lines and serves HTTP (a health endpoint and a page
// showing the task metadata the container sees). Probe is its health-check client, since
// a scratch image has no shell or curl.
//
// It is a good PID 1: it handles SIGTERM and SIGINT itself (the kernel ignores signals
// without a handler for PID 1), starts no children, needs no shell, no DNS and no files.
// It runs on real time on purpose: it is the containerised program, not the emulator,
// so the injected clock of DESIGN.md does not apply here.
//
// Every lifecycle step is logged on stdout as one line starting with "workload: ", with
// no timestamp, so tests and users can grep for it.
package workload
