package workload

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// env returns a Getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// get serves one request through Handler(cfg) and returns status and body.
func get(t *testing.T, cfg Config, method, path string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(Handler(cfg))
	defer srv.Close()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		method string
		code   int
		body   string
	}{
		{"healthy", Config{}, http.MethodGet, 200, "ok\n"},
		{"unhealthy", Config{Unhealthy: true}, http.MethodGet, 500, "unhealthy\n"},
		{"HEAD is a GET", Config{}, http.MethodHead, 200, ""},
		{"POST is refused", Config{}, http.MethodPost, 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, tc.cfg, tc.method, "/health")
			if code != tc.code {
				t.Errorf("status %d, want %d", code, tc.code)
			}
			if tc.body != "" && body != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func TestUnknownPathIs404(t *testing.T) {
	if code, _ := get(t, Config{}, http.MethodGet, "/nope"); code != 404 {
		t.Errorf("status %d, want 404", code)
	}
}

func TestPage(t *testing.T) {
	const taskJSON = `{"Cluster":"default","TaskARN":"arn:aws:ecs:us-east-1:000000000000:task/default/abc","Family":"web"}`
	metadata := http.NewServeMux()
	metadata.HandleFunc("GET /v4/good/task", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, taskJSON) })
	metadata.HandleFunc("GET /v4/broken/task", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "task not found", http.StatusNotFound)
	})
	metadata.HandleFunc("GET /v4/text/task", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") })
	mdSrv := httptest.NewServer(metadata)
	defer mdSrv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	host, _ := os.Hostname()
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{
			name: "outside ECS",
			env:  nil,
			want: []string{
				"hostname: " + host,
				"ECS_CONTAINER_METADATA_URI_V4=(not set)",
				"AWS_REGION=(not set)",
				"task metadata: not available",
			},
		},
		{
			name: "metadata fetched live",
			env: map[string]string{
				"ECS_CONTAINER_METADATA_URI_V4": mdSrv.URL + "/v4/good",
				"AWS_REGION":                    "eu-west-1",
				"AWS_EXECUTION_ENV":             "AWS_ECS_FARGATE",
			},
			want: []string{
				"ECS_CONTAINER_METADATA_URI_V4=" + mdSrv.URL + "/v4/good",
				"AWS_REGION=eu-west-1",
				"AWS_EXECUTION_ENV=AWS_ECS_FARGATE",
				"task metadata (GET " + mdSrv.URL + "/v4/good/task):",
				`  "TaskARN": "arn:aws:ecs:us-east-1:000000000000:task/default/abc",`,
			},
		},
		{
			name: "trailing slash on the URI",
			env:  map[string]string{"ECS_CONTAINER_METADATA_URI_V4": mdSrv.URL + "/v4/good/"},
			want: []string{`  "Family": "web"`},
		},
		{
			name: "endpoint answers an error",
			env:  map[string]string{"ECS_CONTAINER_METADATA_URI_V4": mdSrv.URL + "/v4/broken"},
			want: []string{"error: 404 Not Found: task not found"},
		},
		{
			name: "endpoint answers no JSON",
			env:  map[string]string{"ECS_CONTAINER_METADATA_URI_V4": mdSrv.URL + "/v4/text"},
			want: []string{"error: not JSON"},
		},
		{
			name: "endpoint unreachable",
			env:  map[string]string{"ECS_CONTAINER_METADATA_URI_V4": deadURL + "/v4/x"},
			want: []string{"error: Get "},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, Config{Getenv: env(tc.env)}, http.MethodGet, "/")
			if code != 200 {
				t.Fatalf("status %d: %s", code, body)
			}
			if !strings.HasPrefix(body, "ecsmini workload\n") {
				t.Errorf("page does not start with its title:\n%s", body)
			}
			assertLinesInOrder(t, body, tc.want)
		})
	}
}
