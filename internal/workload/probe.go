package workload

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Probe GETs url and succeeds iff it answers 2xx within timeout. It is the health-check
// command of the scratch image, which has no shell or curl:
//
//	["CMD", "/ecsmini", "workload", "probe", "http://127.0.0.1:8080/health"]
func Probe(ctx context.Context, url string, timeout time.Duration) error {
	if timeout <= 0 {
		return fmt.Errorf("probe: timeout must be positive, not %v", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	resp, err := directClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("probe %s: %s", url, resp.Status)
	}
	return nil
}
