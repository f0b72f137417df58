package ecsminiapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestShutdownHandler(t *testing.T) {
	stopped := make(chan struct{}, 2)
	srv := httptest.NewServer(shutdownHandler(func() { stopped <- struct{}{} }))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET: %d, Allow %q; want 405 and Allow: POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	select {
	case <-stopped:
		t.Fatal("GET stopped ecsmini")
	case <-time.After(50 * time.Millisecond):
	}

	for range 2 {
		resp, err := http.Post(srv.URL, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST: %d, want 202", resp.StatusCode)
		}
	}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("POST did not call stop")
	}
	select {
	case <-stopped:
		t.Fatal("a second POST called stop again")
	case <-time.After(50 * time.Millisecond):
	}
}
