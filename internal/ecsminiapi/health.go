package ecsminiapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// HealthPath answers whether, and which, ecsmini runs there.
const HealthPath = "/_ecsmini/health"

// Health is what GET /_ecsmini/health answers.
type Health struct {
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

func healthHandler(h Health) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h) // a vanished client is not an error worth reporting
	})
}

// Health asks the ecsmini for its health, waiting at most timeout: the way commands
// find out whether an ecsmini answers at all.
func (c *Client) Health(ctx context.Context, timeout time.Duration) (*Health, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := c.newRequest(ctx, http.MethodGet, HealthPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up', or pass --endpoint): %w", c.Endpoint, err)
	}
	defer resp.Body.Close()
	var h Health
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&h) != nil {
		return nil, fmt.Errorf("%s answers, but not as ecsmini (HTTP %d)", c.Endpoint, resp.StatusCode)
	}
	return &h, nil
}
