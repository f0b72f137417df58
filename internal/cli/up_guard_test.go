package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
	"github.com/ecsmini/ecsmini/internal/httpguard"
)

// rawRequest sends method path to addr with the Host header host and the headers h,
// and returns the status and body.
func rawRequest(t *testing.T, addr, method, path, host, body string, h map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUpRefusesWebPages(t *testing.T) {
	addr, out, stop := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim", allowHosts: []string{"ecsmini.test"}})
	_, port, _ := net.SplitHostPort(addr)
	ecsCall := map[string]string{"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster", "Content-Type": "application/x-amz-json-1.1"}
	tests := []struct {
		name           string
		method, path   string
		host           string
		headers        map[string]string
		want           int
		wantInResponse string
	}{
		{"evil page's form posts shutdown", "POST", "/_ecsmini/shutdown", addr,
			map[string]string{"Origin": "http://evil.example", "Content-Type": "text/plain"}, 403, "--allow-origin http://evil.example"},
		{"same-origin form posts shutdown", "POST", "/_ecsmini/shutdown", addr,
			map[string]string{"Content-Type": "text/plain"}, 403, "X-Ecsmini-Client"},
		{"DNS-rebound page calls RunTask's friends", "POST", "/", "rebind.evil.example:" + port, ecsCall, 403,
			`"__type":"AccessDeniedException"`},
		{"DNS-rebound page reads the logs", "GET", "/_ecsmini/logs", "rebind.evil.example:" + port, nil, 403, "--allow-host rebind.evil.example"},
		{"allowed name", "POST", "/", "ecsmini.test:" + port, ecsCall, 200, `"clusterName":"web"`},
		{"localhost", "POST", "/", "localhost:" + port, ecsCall, 200, `"clusterName":"web"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := rawRequest(t, addr, tc.method, tc.path, tc.host, `{"clusterName":"web"}`, tc.headers)
			if code != tc.want || !strings.Contains(body, tc.wantInResponse) {
				t.Fatalf("HTTP %d %s; want %d with %q", code, body, tc.want, tc.wantInResponse)
			}
		})
	}
	if _, err := probe(context.Background(), "http://"+addr, time.Second); err != nil {
		t.Fatalf("ecsmini stopped answering after the refused shutdown: %v", err)
	}
	if !strings.Contains(out.String(), "refused a request") {
		t.Errorf("refusals were not logged:\n%s", out)
	}

	// The Go SDK signs Host = the endpoint's host:port and sends no Origin.
	client := sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://localhost:" + port),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := client.CreateCluster(context.Background(), &sdkecs.CreateClusterInput{ClusterName: aws.String("sdk")}); err != nil {
		t.Fatalf("Go SDK through the guard: %v", err)
	}
	// ecsmini's own client stops it (`ecsmini down`).
	if err := requestShutdown(context.Background(), "http://"+addr, 0); err != nil {
		t.Fatalf("ecsmini down's request: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestUpGuardRefusalReachesSDKAsAccessDenied(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	_, port, _ := net.SplitHostPort(addr)
	client := sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://not-allowed.test:" + port),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", addr) // the name resolves to ecsmini, as after DNS rebinding
		}}}})
	_, err := client.ListClusters(context.Background(), &sdkecs.ListClustersInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" || !strings.Contains(apiErr.ErrorMessage(), "--allow-host not-allowed.test") {
		t.Fatalf("err = %v, want AccessDeniedException naming --allow-host", err)
	}
}

func TestPprofServesLoopback(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	for path, want := range map[string]string{
		"/_ecsmini/debug/pprof/":                     "goroutine",
		"/_ecsmini/debug/pprof/goroutine?debug=1":    "goroutine profile: total",
		"/_ecsmini/debug/pprof/heap?debug=1":         "heap profile",
		"/_ecsmini/debug/pprof/cmdline":              "",
		"/_ecsmini/debug/pprof/symbol":               "num_symbols",
		"/_ecsmini/debug/pprof/allocs?debug=1&gc=1":  "heap profile",
		"/_ecsmini/debug/pprof/threadcreate?debug=1": "threadcreate profile",
	} {
		code, body := rawRequest(t, addr, "GET", path, addr, "", nil)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: HTTP %d, want 200 with %q: %.200s", path, code, want, body)
		}
	}
}

func TestExposureWarning(t *testing.T) {
	for addr, warn := range map[string]bool{
		"127.0.0.1:4599": false, "[::1]:4599": false, "127.0.0.2:1": false,
		"0.0.0.0:4599": true, "[::]:4599": true, "192.168.1.5:4599": true,
	} {
		got := exposureWarning(addr)
		if (got != "") != warn {
			t.Errorf("%s: warning %q, want one: %v", addr, got, warn)
		}
		if warn && (!strings.Contains(got, addr) || !strings.Contains(got, "root on this machine") || !strings.Contains(got, "containers")) {
			t.Errorf("%s: the warning does not say what it exposes: %s", addr, got)
		}
	}
}

func TestUpWarnsWhenListeningBeyondLoopback(t *testing.T) {
	_, out, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim", listen: "0.0.0.0:0"})
	if !strings.Contains(out.String(), "WARNING: ecsmini listens on ") {
		t.Fatalf("no warning:\n%s", out)
	}
}

// A client that sends its headers and then trickles (or stalls) its body loses the
// connection after the read timeout, instead of holding it for minutes.
func TestAPIServerDropsSlowBodies(t *testing.T) {
	defer func(rh, r, i time.Duration) { apiReadHeaderTimeout, apiReadTimeout, apiIdleTimeout = rh, r, i }(apiReadHeaderTimeout, apiReadTimeout, apiIdleTimeout)
	apiReadHeaderTimeout, apiReadTimeout, apiIdleTimeout = 200*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newAPIServer(handler, ln.Addr().String(), nil, nil, nil)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	for name, send := range map[string]string{
		"stalled body":    "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{\"a\":",
		"stalled headers": "POST / HTTP/1.1\r\nHost: localhost\r\n",
		"idle keep-alive": "GET /_ecsmini/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, send); err != nil {
				t.Fatal(err)
			}
			// The server must close the connection well before this deadline.
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			start := time.Now()
			_, err = io.Copy(io.Discard, bufio.NewReader(conn))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the connection was still open after %s", time.Since(start))
			}
		})
	}
}

// health's JSON shape is unchanged by the guard (the e2e script reads it).
func TestHealthStillAnswersPlainGET(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	code, body := rawRequest(t, addr, "GET", "/_ecsmini/health", addr, "", nil)
	var h ecsminiapi.Health
	if code != 200 || json.Unmarshal([]byte(body), &h) != nil || h.Status != "ok" {
		t.Fatalf("HTTP %d %s", code, body)
	}
}

// Every endpoint's body is capped at the ECS API's 1 MiB, not only the ECS route's.
func TestUpCapsEveryBody(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	big := `{"advance":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, path := range []string{"/", "/_ecsmini/clock", "/_ecsmini/spot/interrupt"} {
		code, body := rawRequest(t, addr, "POST", path, addr, big, map[string]string{"Content-Type": "application/json"})
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "SerializationException") {
			t.Errorf("POST %s of 2 MiB: HTTP %d %.200s", path, code, body)
		}
	}
}

// A name given to --listen is a name clients use: the API answers to it.
func TestUpAnswersToTheListenName(t *testing.T) {
	for listen, want := range map[string]string{"localhost:4599": "localhost", "myhost.lan:1": "myhost.lan",
		"127.0.0.1:4599": "", ":4599": "", "[::1]:1": "", "garbage": ""} {
		if got := listenName(listen); got != want {
			t.Errorf("listenName(%q) = %q, want %q", listen, got, want)
		}
	}
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim", listen: "localhost:0"})
	_, port, _ := net.SplitHostPort(addr)
	if code, body := rawRequest(t, addr, "GET", "/_ecsmini/health", "localhost:"+port, "", nil); code != 200 {
		t.Fatalf("HTTP %d %s", code, body)
	}
}

// ecsmini's own client sends the header the guard asks of state-changing requests.
func TestClientSendsTheGuardsHeader(t *testing.T) {
	if ecsminiapi.ClientHeader != httpguard.ClientHeader {
		t.Fatalf("the client sends %s, the guard wants %s", ecsminiapi.ClientHeader, httpguard.ClientHeader)
	}
}
