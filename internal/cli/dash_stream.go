package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/logs"
	"github.com/ecsmini/ecsmini/tui"
)

// dashHistory is how many retained events the dashboard reads when it starts.
const dashHistory = 2000

// Events follows the event stream: the last dashHistory retained events, then new
// ones, until ctx ends or the stream breaks. Retirement notices are remembered for the
// snapshots.
func (s *dashSource) Events(ctx context.Context) (<-chan tui.Event, error) {
	body, err := s.stream(ctx, events.Path, url.Values{"follow": {"1"}, "tail": {fmt.Sprint(dashHistory)}}, "events")
	if err != nil {
		return nil, err
	}
	ch := make(chan tui.Event, 256)
	go func() { // ends when the body ends: ctx ended (the request's context) or ecsmini stopped
		defer close(ch)
		defer body.Close()
		lines := bufio.NewScanner(body)
		lines.Buffer(make([]byte, 64<<10), 4<<20)
		for lines.Scan() {
			ev, err := tui.ParseEvent(lines.Bytes())
			if err != nil {
				continue // a line the dashboard cannot read is not worth stopping for
			}
			if !ev.RetireAt.IsZero() {
				for _, e := range ev.Entities {
					s.noteRetirement(e, ev.RetireAt)
				}
			}
			select {
			case ch <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}

// Logs follows a task's container output, the last 500 lines first.
func (s *dashSource) Logs(ctx context.Context, taskARN string) (<-chan string, error) {
	body, err := s.stream(ctx, logs.Path, url.Values{"task": {taskARN}, "follow": {"1"}, "tail": {"500"}}, "logs")
	if err != nil {
		return nil, err
	}
	ch := make(chan string, 256)
	go func() { // ends with ctx (the user left the logs view) or when the containers stop
		defer close(ch)
		defer body.Close()
		lines := bufio.NewScanner(body)
		lines.Buffer(make([]byte, 64<<10), 4<<20)
		for lines.Scan() {
			select {
			case ch <- lines.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}

// stream opens a following GET of one of ecsmini's NDJSON or text streams; its errors
// are plain text starting with "what: ".
func (s *dashSource) stream(ctx context.Context, path string, q url.Values, what string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := localHTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no ecsmini answers at %s: %w", s.endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		msg := strings.TrimSpace(string(b))
		if !strings.HasPrefix(msg, what+": ") {
			return nil, fmt.Errorf("the ecsmini at %s does not serve %s (HTTP %d)", s.endpoint, what, resp.StatusCode)
		}
		return nil, errors.New(strings.TrimPrefix(msg, what+": "))
	}
	return resp.Body, nil
}
