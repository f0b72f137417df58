package ecsminiapi

import (
	"context"
	"net/http"
	"sync"
)

// ShutdownPath is where a running ecsmini accepts `ecsmini down`'s request to stop.
const ShutdownPath = "/_ecsmini/shutdown"

// shutdownHandler answers POST with 202 Accepted and then calls stop, once however many
// requests come: up then stops its tasks, saves its state and exits, and `ecsmini down`
// watches for that. Other methods get 405.
func shutdownHandler(stop func()) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST to stop this ecsmini", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"status":"stopping"}` + "\n")) // the answer matters less than stopping
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		// stop shuts the server down, which waits for this handler: call it after
		// answering and without blocking the handler.
		go once.Do(stop)
	})
}

// Shutdown asks the ecsmini to stop; it answers at once and stops in the background.
// An ecsmini without the endpoint answers with a NotServedError.
func (c *Client) Shutdown(ctx context.Context) error {
	return c.do(ctx, "shutdown", http.MethodPost, ShutdownPath, struct{}{}, nil, http.StatusAccepted)
}
