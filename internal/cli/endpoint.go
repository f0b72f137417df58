package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// endpointURL resolves where a running ecsmini is: --endpoint, else ECSMINI_ENDPOINT,
// else AWS_ENDPOINT_URL_ECS, else the default listen address.
func endpointURL(flag string) string {
	u := flag
	if u == "" {
		u = getenv("ECSMINI_ENDPOINT", "AWS_ENDPOINT_URL_ECS")
	}
	if u == "" {
		u = "http://" + DefaultListen
	}
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	return strings.TrimRight(u, "/")
}

// health is what /_ecsmini/health answers.
type health struct {
	Status    string `json:"status"`
	Version   string `json:"version"`
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
	StateDir  string `json:"stateDir"`
	PID       int    `json:"pid"`
	Runtime   string `json:"runtime"`
	// DockerEngine is "VERSION at HOST" with the docker runtime, else empty.
	DockerEngine string `json:"dockerEngine,omitempty"`
}

// probe asks the ecsmini at endpoint for its health.
func probe(ctx context.Context, endpoint string, timeout time.Duration) (*health, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/_ecsmini/health", nil)
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %w", endpoint, err)
	}
	resp, err := localHTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up', or pass --endpoint): %w", endpoint, err)
	}
	defer resp.Body.Close()
	var h health
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&h) != nil {
		return nil, fmt.Errorf("%s answers, but not as ecsmini (HTTP %d)", endpoint, resp.StatusCode)
	}
	return &h, nil
}
