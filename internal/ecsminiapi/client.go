package ecsminiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ClientHeader marks a request as sent by ecsmini's own client; ClientName is its value.
const (
	ClientHeader = "X-Ecsmini-Client"
	ClientName   = "cli"
)

// DefaultTimeout bounds one call of a Client without a Timeout, so that an ecsmini that
// accepts connections but does not answer (suspended with Ctrl-Z, say) is an error
// rather than a hang.
const DefaultTimeout = 10 * time.Second

// Client calls a running ecsmini: the ECS JSON 1.1 API (without the AWS SDK, which only
// tests import; ecsmini accepts unsigned requests) and the /_ecsmini/* endpoints.
type Client struct {
	// Endpoint is the ecsmini's base URL, e.g. http://127.0.0.1:51680.
	Endpoint string
	// HTTP sends the requests (http.DefaultClient when nil).
	HTTP *http.Client
	// Timeout bounds each call except the streams (DefaultTimeout when 0).
	Timeout time.Duration
}

// NewClient returns a Client for the ecsmini at endpoint.
func NewClient(endpoint string) *Client {
	return &Client{Endpoint: strings.TrimRight(endpoint, "/")}
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP == nil {
		return http.DefaultClient
	}
	return c.HTTP
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// NotServedError is the answer of an ecsmini that does not know an endpoint (an older
// version): HTTP 404 or 405 on one of ecsmini's own paths.
type NotServedError struct {
	Endpoint string
	What     string // "events", "/_ecsmini/clock", …
	Status   int
}

func (e *NotServedError) Error() string {
	return fmt.Sprintf("the ecsmini at %s does not serve %s (HTTP %d); upgrade it", e.Endpoint, e.What, e.Status)
}

// IsNotServed reports whether err is a NotServedError.
func IsNotServed(err error) bool {
	var ns *NotServedError
	return errors.As(err, &ns)
}

// unreachable is the error of a request that got no answer: the caller's own ctx
// ended, the call's deadline passed, or nothing listens.
func (c *Client) unreachable(parent, ctx context.Context, what string, err error) error {
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case ctx.Err() != nil:
		return fmt.Errorf("the ecsmini at %s did not answer %s within %s (is it suspended or overloaded?)", c.Endpoint, what, c.timeout())
	}
	return fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up', or pass --endpoint): %w", c.Endpoint, err)
}

// newRequest builds a request to path carrying in as JSON (none when in is nil) and
// ecsmini's client header.
func (c *Client) newRequest(ctx context.Context, method, path string, in any) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding the request: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Endpoint+path, body)
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %w", c.Endpoint, err)
	}
	req.Header.Set(ClientHeader, ClientName)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends method path with in (nil: no body) and decodes a 200 answer into out (nil:
// the answer is dropped); want lists further accepted statuses. what names the call in
// errors.
func (c *Client) do(ctx context.Context, what, method, path string, in, out any, want ...int) error {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := c.newRequest(ctx, method, path, in)
	if err != nil {
		return err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return c.unreachable(parent, ctx, what, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return c.unreachable(parent, ctx, what, err)
	}
	ok := resp.StatusCode == http.StatusOK
	for _, s := range want {
		ok = ok || resp.StatusCode == s
	}
	if !ok {
		return c.answerError(what, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: %s answered with something other than ecsmini's JSON: %w", what, c.Endpoint, err)
	}
	return nil
}

// answerError reads an error answer: an ECS-shaped body ({"__type", "message"}) is an
// *ecs.Error, 404 and 405 a NotServedError, any other text an error carrying it.
func (c *Client) answerError(what string, status int, raw []byte) error {
	var m struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &m) == nil && m.Type != "" {
		return ecs.Errorf(m.Type, "%s", m.Message)
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		return &NotServedError{Endpoint: c.Endpoint, What: what, Status: status}
	}
	return fmt.Errorf("%s: %s", what, strings.TrimSpace(string(raw)))
}
