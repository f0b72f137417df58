package httpguard

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func ok() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
}

func TestGuard(t *testing.T) {
	loopback := Config{Listen: "127.0.0.1:4599", HostFlag: "--allow-host", OriginFlag: "--allow-origin"}
	allowed := loopback
	allowed.Hosts = []string{"ecsmini.internal", "Host.Docker.Internal."}
	allowed.Origins = []string{"http://localhost:3000/"}
	lan := Config{Listen: "192.168.1.5:4599"}
	every := Config{Listen: "0.0.0.0:4599"}
	metadata := Config{Listen: "172.18.0.1:51680", AnyAddress: true}
	type hdr = map[string]string
	ecsCall := hdr{"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters", "Content-Type": "application/x-amz-json-1.1"}
	tests := []struct {
		name     string
		cfg      Config
		method   string
		path     string
		host     string
		headers  hdr
		want     int
		wantText string // in the refusal's message
	}{
		{"SDK call by address", loopback, "POST", "/", "127.0.0.1:4599", ecsCall, 200, ""},
		{"SDK call by localhost", loopback, "POST", "/", "localhost:4599", ecsCall, 200, ""},
		{"SDK call by LOCALHOST.", loopback, "POST", "/", "LOCALHOST.:4599", ecsCall, 200, ""},
		{"other loopback address", loopback, "POST", "/", "127.1.2.3:4599", ecsCall, 200, ""},
		{"IPv6 loopback", loopback, "POST", "/", "[::1]:4599", ecsCall, 200, ""},
		{"Host without port", loopback, "GET", "/_ecsmini/health", "localhost", nil, 200, ""},
		{"DNS rebinding: ECS call", loopback, "POST", "/", "evil.example:4599", ecsCall, 403, `host "evil.example:4599"`},
		{"DNS rebinding: names the flag", loopback, "GET", "/_ecsmini/health", "evil.example:4599", nil, 403, "--allow-host evil.example"},
		{"name that looks local", loopback, "GET", "/", "localhost.evil.example", nil, 403, "DNS rebinding"},
		{"allowed name", allowed, "POST", "/", "ecsmini.internal:4599", ecsCall, 200, ""},
		{"allowed name, normalised", allowed, "POST", "/", "host.docker.internal:4599", ecsCall, 200, ""},
		{"LAN listener: its own address", lan, "POST", "/", "192.168.1.5:4599", ecsCall, 200, ""},
		{"LAN listener: another address", lan, "POST", "/", "10.0.0.9:4599", ecsCall, 403, "10.0.0.9"},
		{"LAN listener: a name", lan, "POST", "/", "laptop.lan:4599", ecsCall, 403, "laptop.lan"},
		{"every address: any address", every, "POST", "/", "172.17.0.1:4599", ecsCall, 200, ""},
		{"every address: still no names", every, "POST", "/", "evil.example:4599", ecsCall, 403, "evil.example"},
		{"metadata: the link-local address SDKs use", metadata, "GET", "/v2/credentials/x", "169.254.170.2", nil, 200, ""},
		{"metadata: a name", metadata, "GET", "/v2/credentials/x", "evil.example", nil, 403, "evil.example"},
		{"evil origin, text/plain shutdown", loopback, "POST", "/_ecsmini/shutdown", "127.0.0.1:4599",
			hdr{"Origin": "http://evil.example", "Content-Type": "text/plain"}, 403, `origin "http://evil.example"`},
		{"evil origin names the flag", loopback, "GET", "/_ecsmini/events", "127.0.0.1:4599",
			hdr{"Origin": "http://evil.example"}, 403, "--allow-origin http://evil.example"},
		{"null origin", loopback, "POST", "/", "127.0.0.1:4599", hdr{"Origin": "null"}, 403, `origin "null"`},
		{"moto reset from moto's client", loopback, "POST", "/moto-api/reset", "localhost:4599", nil, 200, ""},
		{"moto reset as a form post", loopback, "POST", "/moto-api/reset", "localhost:4599",
			hdr{"Content-Type": "application/x-www-form-urlencoded"}, 403, "browser's request"},
		{"moto reset with fetch metadata", loopback, "POST", "/moto-api/reset", "localhost:4599",
			hdr{"Sec-Fetch-Mode": "no-cors"}, 403, "Sec-Fetch-Mode no-cors"},
		{"ecsmini reset without JSON", loopback, "POST", "/_ecsmini/reset", "localhost:4599", nil, 403, "Content-Type"},
		{"evil origin on the ECS API", loopback, "POST", "/", "localhost:4599",
			hdr{"Origin": "https://evil.example", "X-Amz-Target": "x"}, 403, "browsers may not drive"},
		{"allowed origin", allowed, "POST", "/_ecsmini/clock", "localhost:4599",
			hdr{"Origin": "http://LOCALHOST:3000", "Content-Type": "application/json"}, 200, ""},
		{"form POST without origin", loopback, "POST", "/_ecsmini/shutdown", "127.0.0.1:4599",
			hdr{"Content-Type": "application/x-www-form-urlencoded"}, 403, "application/json or an X-Ecsmini-Client header"},
		{"text/plain POST", loopback, "POST", "/_ecsmini/clock", "127.0.0.1:4599",
			hdr{"Content-Type": "text/plain"}, 403, `Content-Type "text/plain"`},
		{"POST without content type", loopback, "POST", "/_ecsmini/shutdown", "127.0.0.1:4599", nil, 403, "X-Ecsmini-Client"},
		{"JSON POST", loopback, "POST", "/_ecsmini/spot/interrupt", "127.0.0.1:4599",
			hdr{"Content-Type": "application/json; charset=utf-8"}, 200, ""},
		{"client header POST", loopback, "POST", "/_ecsmini/shutdown", "127.0.0.1:4599",
			hdr{ClientHeader: "ecsmini"}, 200, ""},
		{"DELETE needs it too", loopback, "DELETE", "/_ecsmini/clock", "127.0.0.1:4599", nil, 403, "DELETE /_ecsmini/clock"},
		{"GET needs nothing", loopback, "GET", "/_ecsmini/logs", "127.0.0.1:4599", nil, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://x"+tc.path, strings.NewReader("{}"))
			r.Host = tc.host
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			New(tc.cfg, ok()).ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.want, w.Body)
			}
			if tc.want == 200 {
				return
			}
			var body struct{ Type, Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &struct {
				Type    *string `json:"__type"`
				Message *string `json:"message"`
			}{&body.Type, &body.Message}); err != nil {
				t.Fatalf("refusal is not JSON: %v: %s", err, w.Body)
			}
			if body.Type != "AccessDeniedException" || !strings.Contains(body.Message, tc.wantText) {
				t.Errorf("refusal %+v, want AccessDeniedException mentioning %q", body, tc.wantText)
			}
			wantCT := "application/json"
			if !strings.HasPrefix(tc.path, "/_ecsmini/") {
				wantCT = "application/x-amz-json-1.1"
			}
			if ct := w.Header().Get("Content-Type"); ct != wantCT {
				t.Errorf("Content-Type %q, want %q", ct, wantCT)
			}
		})
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:5000", 200},
		{"[::1]:5000", 200},
		{"172.17.0.2:5000", 403},
		{"192.168.1.9:5000", 403},
		{"garbage", 403},
	} {
		r := httptest.NewRequest("GET", "/_ecsmini/debug/pprof/", nil)
		r.RemoteAddr = tc.remote
		w := httptest.NewRecorder()
		LoopbackOnly(ok()).ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("from %s: status %d, want %d", tc.remote, w.Code, tc.want)
		}
	}
}

func TestGuardCapsBodies(t *testing.T) {
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	g := New(Config{Listen: "127.0.0.1:1", MaxBodyBytes: 100}, read)
	for _, tc := range []struct {
		name    string
		body    io.Reader
		length  int64 // -1: unknown (chunked)
		want    int
		wantErr string
	}{
		{"within the cap", strings.NewReader(strings.Repeat("x", 100)), 100, 200, ""},
		{"declared too long", strings.NewReader(strings.Repeat("x", 101)), 101, 413, "SerializationException"},
		{"chunked, too long", strings.NewReader(strings.Repeat("x", 101)), -1, 400, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://127.0.0.1:1/", tc.body)
			r.ContentLength = tc.length
			w := httptest.NewRecorder()
			g.ServeHTTP(w, r)
			if w.Code != tc.want || !strings.Contains(w.Body.String(), tc.wantErr) {
				t.Fatalf("HTTP %d %s; want %d with %q", w.Code, w.Body, tc.want, tc.wantErr)
			}
		})
	}
}

// An allowed origin's page can make its CORS preflight and read the answers; no other
// origin gets CORS headers (it is refused before).
func TestGuardCORSForAllowedOrigins(t *testing.T) {
	g := New(Config{Listen: "127.0.0.1:4599", Origins: []string{"http://localhost:3000"}}, ok())
	pre := httptest.NewRequest("OPTIONS", "http://127.0.0.1:4599/", nil)
	pre.Header.Set("Origin", "http://localhost:3000")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "x-amz-target, content-type")
	w := httptest.NewRecorder()
	g.ServeHTTP(w, pre)
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		w.Header().Get("Access-Control-Allow-Headers") != "x-amz-target, content-type" {
		t.Fatalf("preflight: HTTP %d %v", w.Code, w.Header())
	}
	call := httptest.NewRequest("POST", "http://127.0.0.1:4599/", nil)
	call.Header.Set("Origin", "http://localhost:3000")
	w = httptest.NewRecorder()
	g.ServeHTTP(w, call)
	if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("call: HTTP %d %v", w.Code, w.Header())
	}
	other := httptest.NewRequest("OPTIONS", "http://127.0.0.1:4599/", nil)
	other.Header.Set("Origin", "http://evil.example")
	other.Header.Set("Access-Control-Request-Method", "POST")
	w = httptest.NewRecorder()
	g.ServeHTTP(w, other)
	if w.Code != http.StatusForbidden || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin's preflight: HTTP %d %v", w.Code, w.Header())
	}
}
