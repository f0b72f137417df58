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

// TestShipperTakesBoundedBatches: a call carries at most maxShipBytes of lines, in
// order; a container's lines may be split across calls.
func TestShipperTakesBoundedBatches(t *testing.T) {
	s := newShipper(New(Config{Endpoint: "http://unused"}))
	long := string(make([]byte, maxShipBytes/2-10)) // two fit in a call, three do not
	routed := map[string]string{agent.LabelAWSLogsGroup: "/g"}
	s.Lines(routed, "a", []string{long, long})
	s.Lines(routed, "b", []string{long, long, "x"})
	var calls [][]string
	for {
		batch := s.take()
		if len(batch) == 0 {
			break
		}
		var ids []string
		size := 0
		for _, b := range batch {
			for _, l := range b.Lines {
				ids = append(ids, b.ContainerID)
				size += len(l)
			}
		}
		if size > maxShipBytes {
			t.Errorf("a call of %d bytes", size)
		}
		calls = append(calls, ids)
	}
	want := [][]string{{"a", "a"}, {"b", "b", "b"}}
	if len(calls) != 2 || !slices.Equal(calls[0], want[0]) || !slices.Equal(calls[1], want[1]) || s.n != 0 {
		t.Fatalf("calls %v (queued %d), want %v", calls, s.n, want)
	}
}
