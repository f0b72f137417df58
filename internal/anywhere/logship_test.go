package anywhere

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent"
)

// TestShipperKeepsLinesWhileTheLinkIsDown: lines of awslogs containers printed while
// ecsmini does not answer are kept and sent, in order and once, when it answers again;
// lines of other containers are not sent at all.
func TestShipperKeepsLinesWhileTheLinkIsDown(t *testing.T) {
	var mu sync.Mutex
	var got []string
	down := 2 // the first calls fail
	arrived := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != LinesPath || r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("%s with %q", r.URL.Path, r.Header.Get("Authorization"))
		}
		if down > 0 {
			down--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var in LinesRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Error(err)
		}
		for _, b := range in.Batches {
			got = append(got, b.Lines...)
		}
		_, _ = w.Write([]byte("{}"))
		arrived <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	a := New(Config{Endpoint: srv.URL, Token: "tok", Retry: 10 * time.Millisecond})
	s := newShipper(a)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	routed := map[string]string{agent.LabelAWSLogsGroup: "/g"}
	s.Lines(routed, "c1", []string{"one", "two"})
	s.Lines(map[string]string{}, "c2", []string{"not awslogs"})
	go s.run(ctx)
	s.Lines(routed, "c1", []string{"three"})
	for {
		mu.Lock()
		done := slices.Equal(got, []string{"one", "two", "three"})
		mu.Unlock()
		if done {
			break
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			mu.Lock()
			have := slices.Clone(got)
			mu.Unlock()
			t.Fatalf("ecsmini got %q, want one two three", have)
		}
	}
}
