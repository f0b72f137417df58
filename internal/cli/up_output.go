package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
	"github.com/ecsmini/ecsmini/tui"
)

// printProgress follows the event stream of the ecsmini at endpoint from now on until
// ctx ends: with asJSON each event as the JSON line the stream carries, else one plain
// line per change of a task's status, a deployment, a service's state or an instance
// (events that change none of these are skipped).
func printProgress(ctx context.Context, endpoint string, stdout io.Writer, asJSON bool) error {
	c := newClient(endpoint)
	// A connection of its own, never pooled: when ctx ends while the stream is still
	// being dialled, a pooled connection would sit unused on the server, and the
	// server's Shutdown waits 5 s for a connection that never sent a request.
	c.HTTP = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	body, err := c.Events(ctx, ecsminiapi.EventsQuery{Follow: true, Tail: 0})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer body.Close()
	if asJSON {
		return copyEvents(ctx, body, stdout, io.Discard)
	}
	last := map[string]string{} // resource → the state last printed
	lines := bufio.NewScanner(body)
	lines.Buffer(make([]byte, 64<<10), 4<<20)
	for lines.Scan() {
		ev, err := tui.ParseEvent(lines.Bytes())
		if err != nil || (ev.State != "" && last[ev.Resource] == ev.State && ev.DetailType == "ECS Task State Change") {
			continue
		}
		last[ev.Resource] = ev.State
		if _, err := fmt.Fprintln(stdout, ev.Line()); err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("events: %w", err)
	}
	return nil
}

// startUpOutput shows the running ecsmini as `up` does once its API answers: the
// dashboard on a terminal, else plain lines (or JSON lines with --output json). While
// the dashboard is up, log lines are held (the screen is the dashboard's) and printed
// when it closes. Quitting the dashboard stops ecsmini (stop), as Ctrl-C does. wait
// returns once the output has ended, after ctx ended.
func startUpOutput(ctx context.Context, endpoint string, o upOptions, stdout, stderr io.Writer, logs *heldWriter, stop func(), notes <-chan tui.Note) (wait func()) {
	done := make(chan struct{})
	opts := dashOptions{NoTUI: o.noTUI, Output: string(o.output), Notes: notes, StopsEcsmini: true}
	tuiMode := !o.noTUI && o.output != "json" && isTerminal(stdout) && isTerminal(stdinFile())
	if tuiMode {
		logs.hold()
	}
	go func() {
		defer close(done)
		quit, err := runDashboardOrLines(ctx, endpoint, stdout, stderr, opts)
		logs.release()
		if err != nil {
			fmt.Fprintln(stderr, "ecsmini:", err)
		}
		if quit {
			stop()
		}
	}()
	return func() {
		select {
		case <-done:
		case <-time.After(5 * time.Second): // a stuck terminal must not keep ecsmini from stopping
		}
	}
}

// heldWriter passes writes through, except while held: then it keeps the last lines
// and writes them out on release. up's log goes through it, so that log lines do not
// tear the dashboard.
type heldWriter struct {
	mu     sync.Mutex
	w      io.Writer
	held   bool
	buf    [][]byte
	missed int
}

// heldMax is how many log lines a held writer keeps.
const heldMax = 200

func newHeldWriter(w io.Writer) *heldWriter { return &heldWriter{w: w} }

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held {
		return h.w.Write(p)
	}
	if len(h.buf) == heldMax {
		h.buf = h.buf[1:]
		h.missed++
	}
	h.buf = append(h.buf, bytes.Clone(p))
	return len(p), nil
}

func (h *heldWriter) hold() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = true
}

func (h *heldWriter) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held {
		return
	}
	h.held = false
	if h.missed > 0 {
		fmt.Fprintf(h.w, "(%d earlier log lines dropped while the dashboard was open)\n", h.missed)
	}
	for _, b := range h.buf {
		_, _ = h.w.Write(b) // stderr: nowhere better to report
	}
	h.buf, h.missed = nil, 0
}

// outputFlag is --output of up and dash, checked when the flag is read: text (plain
// lines, the default) or json (the event stream).
type outputFlag string

func (f *outputFlag) String() string { return string(*f) }
func (f *outputFlag) Type() string   { return "text|json" }

func (f *outputFlag) Set(v string) error {
	if v != "text" && v != "json" {
		return fmt.Errorf("want text or json, not %q", v)
	}
	*f = outputFlag(v)
	return nil
}

// stdinFile is the dashboard's keyboard.
func stdinFile() *os.File { return os.Stdin }
