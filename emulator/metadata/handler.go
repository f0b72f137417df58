package metadata

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// endpoint is one of the paths the handler answers.
type endpoint int

const (
	epContainer endpoint = iota
	epTask
	epTaskWithTags
	epStats
	epTaskStats
	epCredentials
)

// route is a parsed request path: which endpoint, which generation, which token.
type route struct {
	ep      endpoint
	version version
	token   string // metadata token, or credentials ID for epCredentials
}

var metadataEndpoints = map[string]endpoint{
	"":             epContainer,
	"task":         epTask,
	"taskWithTags": epTaskWithTags,
	"stats":        epStats,
	"task/stats":   epTaskStats,
}

// parseRoute reads a path; one trailing slash is tolerated, as clients join URIs
// carelessly. A credentials path without an ID parses with an empty token, so that it
// gets the agent's NoIdInRequest rather than a 404.
func parseRoute(path string) (route, bool) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSuffix(path, "/"), "/"), "/", 3)
	if len(parts) < 2 || parts[1] == "" {
		return route{}, false
	}
	switch parts[0] {
	case "v2":
		if parts[1] != "credentials" {
			return route{}, false
		}
		if len(parts) == 2 {
			return route{ep: epCredentials}, true
		}
		if strings.Contains(parts[2], "/") {
			return route{}, false
		}
		return route{ep: epCredentials, token: parts[2]}, true
	case "v3", "v4":
		rest := ""
		if len(parts) == 3 {
			rest = parts[2]
		}
		ep, ok := metadataEndpoints[rest]
		if !ok {
			return route{}, false
		}
		v := v4
		if parts[0] == "v3" {
			v = v3
		}
		return route{ep: ep, version: v, token: parts[1]}, true
	}
	return route{}, false
}

// handler serves the metadata and credentials endpoints over a Source.
type handler struct {
	src        Source
	samples    *samples
	protection Protection // nil: the agent endpoint answers 404
}

// NewHandler returns the handler for the paths listed in the package documentation.
// Mount it at the root of whatever listener containers reach (169.254.170.2:80 on a
// task network, or a host port behind it).
func NewHandler(src Source, opts ...Option) http.Handler {
	h := &handler{src: src, samples: newSamples()}
	for _, o := range opts {
		o(h)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if token, ok := agentRoute(r.URL.Path); ok {
		h.serveProtection(w, r, token)
		return
	}
	rt, ok := parseRoute(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "NotFound", "no such metadata endpoint")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is supported")
		return
	}
	if rt.ep == epCredentials {
		h.serveCredentials(w, r, rt.token)
		return
	}
	task, container, ok := h.src.Lookup(rt.token)
	if !ok {
		writeError(w, http.StatusNotFound, "NotFound", "no container has this metadata token")
		return
	}
	switch rt.ep {
	case epContainer:
		writeJSON(w, http.StatusOK, renderContainer(container, rt.version))
	case epTask:
		writeJSON(w, http.StatusOK, renderTask(task, rt.version, false))
	case epTaskWithTags:
		writeJSON(w, http.StatusOK, renderTask(task, rt.version, true))
	case epStats:
		stats, ok := h.stats(r.Context(), container, rt.version)
		if !ok {
			writeError(w, http.StatusServiceUnavailable, "StatsUnavailable", "no stats for this container yet")
			return
		}
		writeJSON(w, http.StatusOK, stats)
	case epTaskStats:
		writeJSON(w, http.StatusOK, h.taskStats(r.Context(), task, rt.version))
	}
}

// stats samples one container; ok is false when it has no runtime ID yet or the
// runtime cannot say.
func (h *handler) stats(ctx context.Context, c ContainerInfo, v version) (dockerStats, bool) {
	if c.RuntimeID == "" {
		return dockerStats{}, false
	}
	cur, err := h.src.Stats(ctx, c.RuntimeID)
	if err != nil {
		return dockerStats{}, false
	}
	prev := h.samples.record(c.RuntimeID, cur)
	return renderStats(c, cur, prev, v), true
}

// taskStats samples the task's containers in parallel (a Docker stats call can take a
// second). Each is keyed by Docker ID; one whose stats are unavailable maps to null,
// and one not yet created is left out, having no ID. Every goroutine ends when its
// Stats call returns, which the request context bounds.
func (h *handler) taskStats(ctx context.Context, t TaskInfo, v version) map[string]*dockerStats {
	out := make(map[string]*dockerStats, len(t.Containers))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range t.Containers {
		if c.RuntimeID != "" {
			out[c.RuntimeID] = nil // before any goroutine writes the map
		}
	}
	for _, c := range t.Containers {
		if c.RuntimeID == "" {
			continue
		}
		wg.Go(func() {
			s, ok := h.stats(ctx, c, v)
			if !ok {
				return
			}
			mu.Lock()
			out[c.RuntimeID] = &s
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"InternalServerError","message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorResponse{Code: code, Message: message})
}
