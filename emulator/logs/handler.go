package logs

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Path is where Handler is meant to be mounted.
const Path = "/_ecsmini/logs"

// Handler serves the collector's logs (see the package doc for the query). Errors are
// one text/plain line: 400 for a bad query, 404 for a task or container without logs.
func Handler(c *Collector) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "logs: use GET", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		task := q.Get("task")
		if task == "" {
			http.Error(w, "logs: the task parameter (task ARN or ID) is required", http.StatusBadRequest)
			return
		}
		var opts ReadOptions
		var err error
		opts.Follow, err = boolParam(q.Get("follow"))
		if err != nil {
			http.Error(w, "logs: follow: "+err.Error(), http.StatusBadRequest)
			return
		}
		stamps, err := boolParam(q.Get("timestamps"))
		if err != nil {
			http.Error(w, "logs: timestamps: "+err.Error(), http.StatusBadRequest)
			return
		}
		if v := q.Get("tail"); v != "" && v != "all" {
			if opts.Tail, err = strconv.Atoi(v); err != nil || opts.Tail < 0 {
				http.Error(w, fmt.Sprintf("logs: tail must be a number of lines or \"all\", not %q", v), http.StatusBadRequest)
				return
			}
			if opts.Tail == 0 {
				opts.Tail = -1 // tail=0: no old lines, as docker logs --tail 0
			}
		}
		if v := q.Get("since"); v != "" {
			if opts.Since, err = ParseSince(v, c.clock.Now()); err != nil {
				http.Error(w, "logs: "+err.Error(), http.StatusBadRequest)
				return
			}
		}
		t, err := c.Lookup(task)
		if err != nil {
			writeError(w, err)
			return
		}
		names := t.Containers
		if name := q.Get("container"); name != "" {
			names = []string{name}
		}
		var streams []*Stream
		defer func() {
			for _, s := range streams {
				s.Close()
			}
		}()
		for _, name := range names {
			s, err := c.open(r.Context(), t, name, opts)
			if err != nil {
				writeError(w, err)
				return
			}
			streams = append(streams, s)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodHead {
			return
		}
		out := &lineWriter{w: bufio.NewWriter(w), flusher: http.NewResponseController(w), stamps: stamps}
		if len(streams) > 1 {
			for _, s := range streams {
				out.width = max(out.width, len(s.container))
			}
			out.prefix = true
		}
		// The lines present now, merged by time (stable: same-time lines keep their
		// container's order), then, when following, lines as they arrive.
		var backlog []Line
		for _, s := range streams {
			backlog = append(backlog, s.backlog...)
			s.backlog = nil
		}
		slices.SortStableFunc(backlog, func(a, b Line) int { return a.Time.Compare(b.Time) })
		for _, l := range backlog {
			out.write(l)
		}
		out.flush()
		if !opts.Follow {
			return
		}
		follow(streams, out)
	})
}

// follow writes the streams' lines as they arrive until every stream ends.
func follow(streams []*Stream, out *lineWriter) {
	lines := make(chan Line)
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				l, err := s.Next()
				if err != nil {
					return
				}
				select {
				case lines <- l:
				case <-s.ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(lines)
	}()
	for l := range lines {
		out.write(l)
		// Flush when nothing else is waiting, so bursts go out in one write.
		if len(lines) == 0 {
			if out.flush() != nil {
				for range lines { // the client left; drain until the streams notice
				}
				return
			}
		}
	}
}

// lineWriter formats lines like docker compose logs.
type lineWriter struct {
	w       *bufio.Writer
	flusher *http.ResponseController
	prefix  bool
	width   int
	stamps  bool
}

func (o *lineWriter) write(l Line) {
	if o.prefix {
		fmt.Fprintf(o.w, "%-*s | ", o.width, l.Container)
	}
	if o.stamps {
		o.w.WriteString(l.Time.UTC().Format(time.RFC3339Nano))
		o.w.WriteByte(' ')
	}
	o.w.WriteString(l.Text)
	o.w.WriteByte('\n')
}

func (o *lineWriter) flush() error {
	if err := o.w.Flush(); err != nil {
		return err
	}
	if err := o.flusher.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

func writeError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, ErrNotFound) {
		code = http.StatusNotFound
	} else if errors.Is(err, ErrAmbiguous) {
		code = http.StatusBadRequest
	}
	http.Error(w, "logs: "+err.Error(), code)
}

func boolParam(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	return strconv.ParseBool(v)
}

// ParseSince reads a since value as docker logs takes it: an RFC 3339 time, or a Go
// duration (such as 10m) counted back from now.
func ParseSince(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("since %q: a duration must not be negative", v)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("since must be an RFC 3339 time or a duration such as 10m, not %q", v)
}
