package ecsminiapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

func TestParseSpan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * 24 * time.Hour, true}, {"1d12h", 36 * time.Hour, true}, {"90m", 90 * time.Minute, true},
		{"2m30s", 150 * time.Second, true}, {"0d", 0, true},
		{"", 0, false}, {"x", 0, false}, {"-1d", 0, false}, {"-5m", 0, false}, {"1dd", 0, false},
	} {
		got, err := ParseSpan(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSpan(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestClockHandler(t *testing.T) {
	start := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	v, _ := clock.NewVirtual(clock.NewFake(start), 1)
	srv := httptest.NewServer(clockHandler(v, nil))
	defer srv.Close()
	for _, tc := range []struct {
		method, body string
		code         int
		want         string
	}{
		{http.MethodGet, "", 200, `"now":"2026-11-22T12:00:00Z","scale":1`},
		{http.MethodPost, `{"advance":"7d"}`, 200, `"now":"2026-11-29T12:00:00Z"`},
		{http.MethodPost, `{"scale":60}`, 200, `"scale":60`},
		{http.MethodPost, `{"advance":"soon"}`, 400, "want e.g. 7d"},
		{http.MethodPost, `{"scale":-1}`, 400, "positive"},
		{http.MethodPost, `nope`, 400, "body"},
		{http.MethodDelete, "", 405, "GET shows the clock"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s %s: %d %q, want %d containing %q", tc.method, tc.body, resp.StatusCode, b.String(), tc.code, tc.want)
		}
	}
}
