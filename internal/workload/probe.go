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
	return ProbeTo(ctx, url, timeout, io.Discard)
}

// ProbeTo is Probe that copies the answer's body (its first 64 KiB) to body, as a
// curl would: `ecsmini workload probe --print` from a task shows what a name answers.
func ProbeTo(ctx context.Context, url string, timeout time.Duration, body io.Writer) error {
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
	if _, err := io.Copy(body, io.LimitReader(resp.Body, 64<<10)); err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("probe %s: %s", url, resp.Status)
	}
	return nil
}
