package workload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// metadataEnv is the variable ECS (and ecsmini) sets to the container's task metadata
// endpoint v4.
const metadataEnv = "ECS_CONTAINER_METADATA_URI_V4"

// pageEnv are the variables the page shows: where metadata comes from and what ECS
// says about the environment.
var pageEnv = []string{metadataEnv, "AWS_REGION", "AWS_EXECUTION_ENV"}

// metadataTimeout bounds the live metadata fetch, so a dead endpoint slows the page
// down but never hangs it.
const metadataTimeout = 2 * time.Second

// directClient ignores HTTP_PROXY and friends: the metadata endpoint and probe targets
// are local addresses that a proxy set in the container's environment cannot reach.
var directClient = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// Handler serves the workload's HTTP endpoints:
//
//	GET /health  200 "ok" (500 "unhealthy" with cfg.Unhealthy), for health checks
//	GET /        a plain-text page: hostname, the ECS environment and the live JSON
//	             of ${ECS_CONTAINER_METADATA_URI_V4}/task
func Handler(cfg Config) http.Handler {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if cfg.Unhealthy {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintln(w, "unhealthy")
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		writePage(r.Context(), w, getenv)
	})
	return mux
}

// writePage writes the page. Nothing on it is fatal: a missing hostname or an
// unreachable metadata endpoint is shown as such, since seeing that is the point.
func writePage(ctx context.Context, w io.Writer, getenv func(string) string) {
	host, err := os.Hostname()
	if err != nil {
		host = "(error: " + err.Error() + ")"
	}
	fmt.Fprintln(w, "ecsmini workload")
	fmt.Fprintf(w, "hostname: %s\n", host)
	for _, name := range pageEnv {
		v := getenv(name)
		if v == "" {
			v = "(not set)"
		}
		fmt.Fprintf(w, "%s=%s\n", name, v)
	}
	base := getenv(metadataEnv)
	if base == "" {
		fmt.Fprintln(w, "\ntask metadata: not available (no "+metadataEnv+")")
		return
	}
	url := strings.TrimSuffix(base, "/") + "/task"
	fmt.Fprintf(w, "\ntask metadata (GET %s):\n", url)
	body, err := fetchJSON(ctx, url)
	if err != nil {
		fmt.Fprintf(w, "error: %v\n", err)
		return
	}
	fmt.Fprintf(w, "%s\n", body)
}

// fetchJSON GETs url and returns its JSON body indented for reading.
func fetchJSON(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	resp, err := directClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("not JSON (%w): %s", err, bytes.TrimSpace(b))
	}
	return out.Bytes(), nil
}
