package ecsminiapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// ClockPath is where a running ecsmini shows (GET) and moves (POST) its clock.
const ClockPath = "/_ecsmini/clock"

// ClockState is what /_ecsmini/clock answers.
type ClockState struct {
	Now   time.Time `json:"now"`
	Scale float64   `json:"scale"`
}

// ClockRequest is the body of POST /_ecsmini/clock: advance the clock, change its
// scale, or both.
type ClockRequest struct {
	Advance string   `json:"advance,omitempty"` // e.g. "7d", "90m", "1d12h"
	Scale   *float64 `json:"scale,omitempty"`
}

// clockHandler serves the emulator's clock: GET shows it, POST moves it. changed, when
// set, is told after every move of the clock. Its errors are plain text.
func clockHandler(c *clock.Virtual, changed func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var req ClockRequest
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
				http.Error(w, "body: want {\"advance\": \"7d\"} and/or {\"scale\": 60}: "+err.Error(), http.StatusBadRequest)
				return
			}
			if err := moveClock(c, req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if changed != nil {
				changed()
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "GET shows the clock, POST moves it", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ClockState{Now: c.Now().UTC(), Scale: c.Scale()}) // a gone client is no error to report
	})
}

// moveClock applies a request: the scale first, then the jump.
func moveClock(c *clock.Virtual, req ClockRequest) error {
	if req.Scale != nil {
		if err := c.SetScale(*req.Scale); err != nil {
			return err
		}
	}
	if req.Advance == "" {
		return nil
	}
	d, err := ParseSpan(req.Advance)
	if err != nil {
		return err
	}
	return c.Advance(d)
}

// ParseSpan reads a Go duration that may also count days ("7d", "1d12h", "90m").
func ParseSpan(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("span: empty; want e.g. 7d, 1d12h or 90m")
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("span %q: want e.g. 7d, 1d12h or 90m", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	if s == "" {
		return days, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("span %q: want e.g. 7d, 1d12h or 90m", s)
	}
	return days + d, nil
}

// Clock reads the ecsmini's clock.
func (c *Client) Clock(ctx context.Context) (ClockState, error) {
	var st ClockState
	err := c.do(ctx, "clock", http.MethodGet, ClockPath, nil, &st)
	return st, err
}

// MoveClock advances the ecsmini's clock or changes its scale, and reads it after.
func (c *Client) MoveClock(ctx context.Context, req ClockRequest) (ClockState, error) {
	var st ClockState
	err := c.do(ctx, "clock", http.MethodPost, ClockPath, req, &st)
	return st, err
}
