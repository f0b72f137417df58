package cli

import (
	"bufio"
	"context"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
	"github.com/ecsmini/ecsmini/tui"
)

// dashHistory is how many retained events the dashboard reads when it starts.
const dashHistory = 2000

// Events follows the event stream: the last dashHistory retained events, then new
// ones, until ctx ends or the stream breaks. Retirement notices are remembered for the
// snapshots.
func (s *dashSource) Events(ctx context.Context) (<-chan tui.Event, error) {
	body, err := s.c.Events(ctx, ecsminiapi.EventsQuery{Follow: true, Tail: dashHistory})
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
	body, err := s.c.Logs(ctx, ecsminiapi.LogsQuery{Task: taskARN, Follow: true, Tail: 500})
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
