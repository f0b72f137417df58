package ecsminiapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

// The streams: EventBridge-shaped events as JSON lines, and task container output as
// text lines (GET, ?follow=1 keeps them open). Their handlers live with what they
// stream (emulator/events, emulator/logs); Mount serves them here.
const (
	EventsPath = events.Path
	LogsPath   = logs.Path
)

// EventsQuery selects events: those matching every filter (events.FilterHelp), the
// last Tail retained ones (negative: all), then with Follow new ones.
type EventsQuery struct {
	Filters []string
	Follow  bool
	Tail    int
}

// LogsQuery selects a task's output: one container's or all, the last Tail lines of
// each (negative: all), since a time or span ago, with Follow until the containers exit.
type LogsQuery struct {
	Task       string
	Container  string
	Follow     bool
	Tail       int
	Since      string
	Timestamps bool
}

// Events opens the event stream; the caller reads JSON lines until it ends (ctx ends,
// or the ecsmini stops) and closes it.
func (c *Client) Events(ctx context.Context, q EventsQuery) (io.ReadCloser, error) {
	v := url.Values{}
	for _, f := range q.Filters {
		v.Add("filter", f)
	}
	if q.Follow {
		v.Set("follow", "1")
	}
	if q.Tail >= 0 {
		v.Set("tail", strconv.Itoa(q.Tail))
	}
	return c.stream(ctx, EventsPath, v, "events")
}

// Logs opens a task's output; the caller reads lines until it ends and closes it.
func (c *Client) Logs(ctx context.Context, q LogsQuery) (io.ReadCloser, error) {
	v := url.Values{"task": {q.Task}}
	if q.Container != "" {
		v.Set("container", q.Container)
	}
	if q.Follow {
		v.Set("follow", "1")
	}
	if q.Tail >= 0 {
		v.Set("tail", strconv.Itoa(q.Tail))
	}
	if q.Since != "" {
		v.Set("since", q.Since)
	}
	if q.Timestamps {
		v.Set("timestamps", "1")
	}
	return c.stream(ctx, LogsPath, v, "logs")
}

// stream opens a GET of one of ecsmini's streams, which lasts as long as ctx. Their
// handlers' errors are plain text starting with "what: "; any other answer is an
// ecsmini that does not serve the stream.
func (c *Client) stream(ctx context.Context, path string, q url.Values, what string) (io.ReadCloser, error) {
	req, err := c.newRequest(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up', or pass --endpoint): %w", c.Endpoint, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	msg := strings.TrimSpace(string(b))
	if !strings.HasPrefix(msg, what+": ") {
		return nil, &NotServedError{Endpoint: c.Endpoint, What: what, Status: resp.StatusCode}
	}
	return nil, errors.New(strings.TrimPrefix(msg, what+": "))
}
