package workload

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) {})
	mux.HandleFunc("/no-content", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", 500) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()

	tests := []struct {
		name    string
		url     string
		timeout time.Duration
		wantErr string // "" means success
	}{
		{"200", srv.URL + "/ok", time.Second, ""},
		{"204", srv.URL + "/no-content", time.Second, ""},
		{"500", srv.URL + "/fail", time.Second, "500 Internal Server Error"},
		{"404", srv.URL + "/missing", time.Second, "404 Not Found"},
		{"refused", dead.URL + "/ok", time.Second, "probe"},
		{"timeout", srv.URL + "/slow", 50 * time.Millisecond, "deadline exceeded"},
		{"bad URL", "::nope", time.Second, "probe ::nope"},
		{"zero timeout", srv.URL + "/ok", 0, "timeout must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Probe(context.Background(), tc.url, tc.timeout)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestProbeToCopiesTheBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("hello from api")) }))
	defer srv.Close()
	var b strings.Builder
	if err := ProbeTo(context.Background(), srv.URL, time.Second, &b); err != nil || b.String() != "hello from api" {
		t.Fatalf("%q %v", b.String(), err)
	}
}
