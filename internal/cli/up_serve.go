package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/ecsmini/ecsmini/tui"
)

// upRun is a serving `up`: the API server, the control loop, the output (dashboard or
// lines) and the compose import, each with its way to end.
type upRun struct {
	srv         *http.Server
	serveErr    chan error
	loopErr     chan error
	stopLoop    context.CancelFunc
	waitOutput  func()
	composeDone func() error
	// loopDone is set once loopErr has been received.
	loopDone bool
}

// serve starts serving the API and running the control loop, says where ecsmini
// answers, and starts the output and the compose import. stopUp ends up (quitting the
// dashboard, a failed import).
func (s *upStack) serve(ctx context.Context, stdout, stderr io.Writer, ready chan<- string, stopUp func()) *upRun {
	allowHosts := s.o.allowHosts
	if name := listenName(s.o.listen); name != "" {
		allowHosts = append(allowHosts, name) // --listen myhost:4599 answers as myhost
	}
	r := &upRun{srv: newAPIServer(s.api, s.ln.Addr().String(), allowHosts, s.o.allowOrigins, s.log),
		serveErr: make(chan error, 1), loopErr: make(chan error, 1)}
	if warning := exposureWarning(s.ln.Addr().String()); warning != "" {
		fmt.Fprint(stderr, warning)
		fmt.Fprint(stderr, joinHint(s.ln.Addr().String(), s.agentToken))
	}
	go func() { r.serveErr <- r.srv.Serve(s.ln) }()
	loopCtx, stopLoop := context.WithCancel(ctx)
	r.stopLoop = stopLoop
	go func() { r.loopErr <- s.emu.Run(loopCtx) }()

	endpoint := "http://" + s.ln.Addr().String()
	s.announce(stdout, endpoint)
	if ready != nil {
		ready <- s.ln.Addr().String()
	}
	notes := s.o.notes
	if notes == nil {
		notes = make(chan tui.Note, notesBuffer)
	}
	r.waitOutput = startUpOutput(ctx, endpoint, s.o, stdout, stderr, s.logOut, stopUp, notes)
	// Held, like the log, while the dashboard has the screen, which shows it as notes.
	r.composeDone = s.compose.start(ctx, endpoint, s.logOut, stopUp, newNoteFeed(notes, "compose"))
	// Loading a large state leaves its decoding garbage behind: hand it back to the OS
	// once the API answers, rather than idling on it or delaying start-up.
	go debug.FreeOSMemory()
	return r
}

// announce prints where ecsmini answers and what it runs on.
func (s *upStack) announce(stdout io.Writer, endpoint string) {
	o := s.o
	fmt.Fprintf(stdout, "ecsmini %s: ECS API at %s (region %s, account %s, runtime %s)\n", Version, endpoint, o.region, o.accountID, o.runtime)
	fmt.Fprintf(stdout, "state: %s (loaded in %d ms)\n", o.stateDir, s.loaded.Milliseconds())
	if s.engine != "" {
		fmt.Fprintf(stdout, "docker: engine %s\n", s.engine)
	}
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_ECS=%s\n", endpoint)
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%s\n", endpoint)
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_STS=%s\n", endpoint) // STS GetCallerIdentity, same listener
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING=%s\n", endpoint)
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_CLOUDWATCH=%s\n", endpoint)
}

// wait blocks until ctx ends (Ctrl-C, SIGTERM, `ecsmini down`, the dashboard quit) or
// the server or the control loop fails, and returns that failure.
func (r *upRun) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-r.serveErr:
		return fmt.Errorf("serving the API: %w", err)
	case err := <-r.loopErr:
		r.loopDone = true
		return err
	}
}

// shutdown stops a serving `up` in the order that loses nothing: the compose import,
// then the control loop (the service scheduler would replace tasks as they stop), the
// API, every task (with its containers' own stop timeouts), the agent, the webhooks
// (after the tasks' last events) and the log copiers. It returns runErr, else the
// first error of the import or the loop.
func (s *upStack) shutdown(r *upRun, runErr error, stdout io.Writer) error {
	if err := r.composeDone(); err != nil && runErr == nil {
		runErr = err
	}
	r.stopLoop()
	if !r.loopDone {
		if err := <-r.loopErr; err != nil && runErr == nil {
			runErr = err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("shutting down the API", "err", err)
	}
	s.stopTasks()
	// The tasks' containers are gone, so their log copiers end: let them finish writing.
	select {
	case <-s.collector.Done():
	case <-time.After(10 * time.Second):
		s.log.Error("task logs still being written at exit")
	}
	r.waitOutput()
	fmt.Fprintln(stdout, "ecsmini stopped; state saved")
	return runErr
}

// stopTasks stops every task with its containers' own stop timeouts (at most 120 s on
// Fargate), so that nothing keeps running unattended, then the agent and the webhooks,
// which get 2 s to deliver the tasks' last events.
func (s *upStack) stopTasks() {
	tasksCtx, cancelTasks := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancelTasks()
	if err := s.tasks.Shutdown(tasksCtx, "ecsmini was stopped; its tasks stop with it"); err != nil {
		s.log.Error("stopping tasks", "err", err)
	}
	s.stopAgent()
	s.tasks.Wait()
	s.stopHooks()
}
