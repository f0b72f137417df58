package metadata

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// twoTasks serves task A (tokens tokA-app, tokA-sidecar) and task B (tokB-app) in
// different clusters.
func twoTasks(t *testing.T) (*httptest.Server, *fakeSource) {
	t.Helper()
	src := newFakeSource()
	a, b := fargateTask("aaaa1111", "alpha"), fargateTask("bbbb2222", "beta")
	src.addTask(a)
	src.addTask(b)
	src.register("tokA-app", a.TaskARN, "app")
	src.register("tokA-sidecar", a.TaskARN, "sidecar")
	src.register("tokB-app", b.TaskARN, "app")
	srv := httptest.NewServer(NewHandler(src))
	t.Cleanup(srv.Close)
	return srv, src
}

func get(t *testing.T, method, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func decodeObject(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return m
}

// TestPaths checks every metadata path on both generations: 200, JSON, the keys that
// say which response it is, and that v4-only keys stay out of v3.
func TestPaths(t *testing.T) {
	tests := []struct {
		path    string
		want    []string // keys that must be present
		wantNot []string // keys that must be absent
	}{
		{"/v4/tokA-app", []string{"DockerId", "Name", "Limits", "LogDriver", "LogOptions", "ContainerARN", "Networks", "Health", "Snapshotter"}, []string{"TaskARN"}},
		{"/v3/tokA-app", []string{"DockerId", "Name", "Limits", "Networks", "Health"}, []string{"LogDriver", "LogOptions", "ContainerARN", "Snapshotter"}},
		{"/v4/tokA-app/", []string{"DockerId"}, nil},
		{"/v4/tokA-app/task", []string{"Cluster", "TaskARN", "Family", "Revision", "Containers", "LaunchType", "ClockDrift", "EphemeralStorageMetrics", "ServiceName"}, []string{"TaskTags"}},
		{"/v3/tokA-app/task", []string{"Cluster", "TaskARN", "Containers", "AvailabilityZone"}, []string{"LaunchType", "ClockDrift", "EphemeralStorageMetrics", "ServiceName", "TaskTags"}},
		{"/v4/tokA-app/taskWithTags", []string{"TaskARN", "TaskTags", "LaunchType"}, []string{"ContainerInstanceTags"}},
		{"/v3/tokA-app/taskWithTags", []string{"TaskARN", "TaskTags"}, []string{"LaunchType"}},
		{"/v4/tokA-app/stats", []string{"read", "preread", "cpu_stats", "precpu_stats", "memory_stats", "networks", "pids_stats"}, nil},
		{"/v3/tokA-app/stats", []string{"read", "cpu_stats", "memory_stats"}, []string{"network_rate_stats"}},
		{"/v4/tokA-app/task/stats", []string{"aaaa1111-app", "aaaa1111-sidecar"}, nil},
		{"/v3/tokA-app/task/stats", []string{"aaaa1111-app", "aaaa1111-sidecar"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			srv, src := twoTasks(t)
			src.samples["aaaa1111-app"] = statsSeries(2)
			resp, body := get(t, http.MethodGet, srv.URL+tt.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			m := decodeObject(t, body)
			for _, k := range tt.want {
				if _, ok := m[k]; !ok {
					t.Errorf("missing %q in %s", k, body)
				}
			}
			for _, k := range tt.wantNot {
				if _, ok := m[k]; ok {
					t.Errorf("unexpected %q in %s", k, body)
				}
			}
		})
	}
}

// TestV3NetworksHaveNoDetail checks the one nested v3/v4 difference.
func TestV3NetworksHaveNoDetail(t *testing.T) {
	srv, _ := twoTasks(t)
	_, v3 := get(t, http.MethodGet, srv.URL+"/v3/tokA-app", nil)
	_, v4 := get(t, http.MethodGet, srv.URL+"/v4/tokA-app", nil)
	for _, k := range []string{"MACAddress", "AttachmentIndex", "IPv4SubnetCIDRBlock", "PrivateDNSName", "SubnetGatewayIpv4Address", "HostIp"} {
		if strings.Contains(string(v3), `"`+k+`"`) {
			t.Errorf("v3 container response has %s", k)
		}
		if !strings.Contains(string(v4), `"`+k+`"`) {
			t.Errorf("v4 container response lacks %s", k)
		}
	}
}

// TestTokenIsolation: whatever path a container of task A asks, nothing of task B comes
// back, and the container response is the asking container's own.
func TestTokenIsolation(t *testing.T) {
	srv, src := twoTasks(t)
	for _, id := range []string{"aaaa1111-app", "aaaa1111-sidecar", "bbbb2222-app", "bbbb2222-sidecar"} {
		src.samples[id] = statsSeries(1)
	}
	foreign := map[string][]string{
		"tokA-app":     {"bbbb2222", "beta"},
		"tokA-sidecar": {"bbbb2222", "beta"},
		"tokB-app":     {"aaaa1111", "alpha"},
	}
	own := map[string]string{"tokA-app": "aaaa1111-app", "tokA-sidecar": "aaaa1111-sidecar", "tokB-app": "bbbb2222-app"}
	for token, bad := range foreign {
		for _, v := range []string{"v3", "v4"} {
			for _, p := range []string{"", "/task", "/taskWithTags", "/stats", "/task/stats"} {
				path := "/" + v + "/" + token + p
				resp, body := get(t, http.MethodGet, srv.URL+path, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
				}
				for _, s := range bad {
					if strings.Contains(string(body), s) {
						t.Errorf("%s leaks %q: %s", path, s, body)
					}
				}
				if p == "" {
					if got := decodeObject(t, body)["DockerId"]; got != own[token] {
						t.Errorf("%s: DockerId %v, want %s", path, got, own[token])
					}
				}
			}
		}
	}
}

// TestErrors covers unknown tokens and paths (404), methods (405) and stats that do
// not exist yet (503), each with the agent's JSON error body.
func TestErrors(t *testing.T) {
	srv, src := twoTasks(t)
	src.tasks[src.tokens["tokA-app"][0]].Containers[0].RuntimeID = "" // shared slice: app not created yet
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/v4/nosuchtoken", 404, "NotFound"},
		{"GET", "/v4/nosuchtoken/task", 404, "NotFound"},
		{"GET", "/v3/nosuchtoken/task/stats", 404, "NotFound"},
		{"GET", "/v4/tokB-app/nope", 404, "NotFound"},
		{"GET", "/v4/tokB-app/task/nope", 404, "NotFound"},
		{"GET", "/v4//task", 404, "NotFound"},
		{"GET", "/v5/tokB-app", 404, "NotFound"},
		{"GET", "/v4", 404, "NotFound"},
		{"GET", "/", 404, "NotFound"},
		{"GET", "/v2/metadata", 404, "NotFound"},
		{"POST", "/v4/tokB-app", 405, "MethodNotAllowed"},
		{"PUT", "/v3/tokB-app/task", 405, "MethodNotAllowed"},
		{"DELETE", "/v4/nosuchtoken/stats", 405, "MethodNotAllowed"},
		{"POST", "/v2/credentials/x", 405, "MethodNotAllowed"},
		{"GET", "/v4/tokA-app/stats", 503, "StatsUnavailable"},
		{"GET", "/v4/tokB-app/stats", 503, "StatsUnavailable"}, // runtime has no sample
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := get(t, tt.method, srv.URL+tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			var e errorResponse
			if err := json.Unmarshal(body, &e); err != nil || e.Code != tt.code || e.Message == "" {
				t.Errorf("body %s (err %v), want code %s", body, err, tt.code)
			}
			if tt.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
		})
	}
}

func TestHead(t *testing.T) {
	srv, _ := twoTasks(t)
	resp, body := get(t, http.MethodHead, srv.URL+"/v4/tokA-app/task", nil)
	if resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", resp.StatusCode, len(body))
	}
}

func TestPathHelpersRoundTrip(t *testing.T) {
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	id, err := NewCredentialsID()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]route{
		V4Path(tok):           {ep: epContainer, version: v4, token: tok},
		V3Path(tok) + "/task": {ep: epTask, version: v3, token: tok},
		CredentialsPath(id):   {ep: epCredentials, token: id},
	} {
		if got, ok := parseRoute(path); !ok || got != want {
			t.Errorf("parseRoute(%q) = %+v, %v; want %+v", path, got, ok, want)
		}
	}
}

func TestTokensAreRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, err := NewToken()
		if err != nil || len(tok) != 32 || seen[tok] {
			t.Fatalf("NewToken() = %q, %v (or repeated)", tok, err)
		}
		seen[tok] = true
		id, err := NewCredentialsID()
		if err != nil || len(id) != 36 || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) || seen[id] {
			t.Fatalf("NewCredentialsID() = %q, %v", id, err)
		}
		seen[id] = true
	}
}
