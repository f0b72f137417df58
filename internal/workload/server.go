package workload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// server is the running HTTP server of a workload.
type server struct {
	srv *http.Server
}

// serve listens on cfg.Listen and serves Handler in the background. Listening errors
// (address in use) are returned at once; a later failure arrives on the channel.
func serve(cfg Config, stdout, stderr io.Writer) (*server, <-chan error, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	logf(stdout, "listening on %s", listenAddr(cfg.Listen, ln.Addr()))
	if cfg.Listening != nil {
		cfg.Listening(ln.Addr())
	}
	s := &server{srv: &http.Server{
		Handler:           Handler(cfg),
		ReadHeaderTimeout: 10 * time.Second,
		// Connection-level errors (bad requests, TLS probes) go to stderr, not the log lines.
		ErrorLog: log.New(stderr, "workload: http: ", 0),
	}}
	errc := make(chan error, 1)
	// The goroutine ends when close shuts the server down (Serve returns ErrServerClosed).
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return s, errc, nil
}

// close stops the server, letting requests in flight finish for a moment.
func (s *server) close(stdout io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	logf(stdout, "http server stopped")
}

// listenAddr is what the log line shows: the configured host (empty for ":8080", so the
// line reads "listening on :8080" as the user wrote it) with the actual port, which
// differs when port 0 was asked for.
func listenAddr(listen string, actual net.Addr) string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return actual.String()
	}
	tcp, ok := actual.(*net.TCPAddr)
	if !ok {
		return actual.String()
	}
	return net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
