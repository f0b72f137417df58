package events

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Path is where ecsmini serves its event stream, beside the ECS API.
const Path = "/_ecsmini/events"

// Handler serves b's events as NDJSON, one envelope a line. GET answers the retained
// events, oldest first; with follow=1 it then streams new ones as they are published,
// until the client leaves or ctx ends (pass the server's own context, so that a
// graceful shutdown does not wait for followers). Query parameters:
//
//	filter=KEY=VALUE  repeatable; see FilterHelp
//	tail=N            only the last N retained events that match (0: none)
//	follow=1          keep streaming
//
// A follower that reads too slowly loses events and finds a DetailDropped notice in
// the stream where they were. Errors are plain text starting "events: ".
func Handler(ctx context.Context, b *Bus) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "events: use GET", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		f, err := ParseFilter(q["filter"])
		if err != nil {
			http.Error(w, "events: "+err.Error(), http.StatusBadRequest)
			return
		}
		follow := false
		if v := q.Get("follow"); v != "" {
			if follow, err = strconv.ParseBool(v); err != nil {
				http.Error(w, fmt.Sprintf("events: follow must be true or false, not %q", v), http.StatusBadRequest)
				return
			}
		}
		tail := -1
		if v := q.Get("tail"); v != "" && v != "all" {
			if tail, err = strconv.Atoi(v); err != nil || tail < 0 {
				http.Error(w, fmt.Sprintf("events: tail must be a number of events or \"all\", not %q", v), http.StatusBadRequest)
				return
			}
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			return
		}
		reqCtx, cancel := context.WithCancel(r.Context())
		defer cancel()
		defer context.AfterFunc(ctx, cancel)()
		var sub *Subscription
		var past []Event
		if follow {
			sub, past = b.Follow(reqCtx, f, DefaultBuffer)
		} else {
			past = b.History(f, 0)
		}
		switch {
		case tail == 0:
			past = nil
		case tail > 0 && len(past) > tail:
			past = past[len(past)-tail:]
		}
		out := &ndjson{w: bufio.NewWriter(w), rc: http.NewResponseController(w)}
		out.enc = json.NewEncoder(out.w)
		for _, ev := range past {
			out.write(ev)
		}
		if out.flush() != nil || !follow {
			return
		}
		// The subscription ends with reqCtx (the client left, or ctx ended): C closes.
		for ev := range sub.C {
			out.write(ev)
			// Flush when nothing else waits, so that a burst goes out in one write.
			if len(sub.C) == 0 && out.flush() != nil {
				return // the client left; reqCtx's cancel ends the subscription
			}
		}
	})
}

// ndjson writes events one per line.
type ndjson struct {
	w   *bufio.Writer
	enc *json.Encoder
	rc  *http.ResponseController
	err error
}

func (o *ndjson) write(ev Event) {
	if o.err == nil {
		o.err = o.enc.Encode(ev) // Encode ends each value with a newline
	}
}

func (o *ndjson) flush() error {
	if o.err != nil {
		return o.err
	}
	if err := o.w.Flush(); err != nil {
		return err
	}
	if err := o.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}
