package serviceconnect

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// backend is an HTTP server that answers its name.
func backend(t testing.TB, name string, h2 bool) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		io.WriteString(w, name+" "+r.Proto+" "+r.Host)
	}))
	if h2 {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		srv.Config.Protocols = &p
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// deadAddr is an address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func startProxy(t *testing.T, specs ...Listener) *Proxy {
	t.Helper()
	p := &Proxy{Log: t.Logf}
	if err := p.Update(specs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// An HTTP alias balances each request, even over one kept-alive client connection,
// skips an endpoint that refuses connections, and keeps the client's Host.
func TestHTTPBalancesPerRequestAndRetries(t *testing.T) {
	a, b := backend(t, "a", false), backend(t, "b", false)
	p := startProxy(t, Listener{Name: "api", Addr: "127.255.0.7:0", AppProtocol: "http",
		Endpoints: []string{a, deadAddr(t), b}})
	url := "http://" + p.Bound("127.255.0.7:0") + "/"
	c := &http.Client{Transport: &http.Transport{Proxy: nil}}
	got := map[string]int{}
	for range 6 {
		code, body := get(t, c, url)
		if code != 200 {
			t.Fatalf("status %d: %s", code, body)
		}
		name, _, _ := strings.Cut(body, " ")
		got[name]++
		if !strings.HasSuffix(body, " "+p.Bound("127.255.0.7:0")) {
			t.Errorf("the endpoint must see the client's Host: %q", body)
		}
	}
	if got["a"] == 0 || got["b"] == 0 || got["a"]+got["b"] != 6 {
		t.Fatalf("answers %v: want both endpoints", got)
	}
	st := p.Stats()[0]
	if st.Requests != 6 || st.ConnectFailures == 0 || st.Failures != 0 || st.Connections != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestHTTPErrors(t *testing.T) {
	one := 1
	slow := backend(t, "slow", false)
	p := startProxy(t,
		Listener{Name: "none", Addr: "127.0.0.1:0", AppProtocol: "http"},
		Listener{Name: "dead", Addr: "127.0.0.2:0", AppProtocol: "http", Endpoints: []string{deadAddr(t), deadAddr(t)}},
		Listener{Name: "slow", Addr: "127.0.0.3:0", AppProtocol: "http", Endpoints: []string{slow}, PerRequestTimeoutSeconds: &one},
	)
	c := &http.Client{}
	for _, tc := range []struct {
		addr, path string
		code       int
		body       string
	}{
		{"127.0.0.1:0", "/", 503, "no healthy upstream"},
		{"127.0.0.2:0", "/", 503, "upstream connect error or disconnect/reset before headers"},
		{"127.0.0.3:0", "/slow", 504, "upstream request timeout"},
	} {
		code, body := get(t, c, "http://"+p.Bound(tc.addr)+tc.path)
		if code != tc.code || body != tc.body {
			t.Errorf("%s%s: %d %q, want %d %q", tc.addr, tc.path, code, body, tc.code, tc.body)
		}
	}
	for _, st := range p.Stats() {
		if st.Failures != 1 {
			t.Errorf("%s: %+v", st.Name, st)
		}
	}
}

// http2 and grpc aliases speak HTTP/2 without TLS (h2c) to the endpoints.
func TestHTTP2ToEndpoints(t *testing.T) {
	be := backend(t, "h2", true)
	p := startProxy(t, Listener{Name: "grpc", Addr: "127.0.0.1:0", AppProtocol: "grpc", Endpoints: []string{be}})
	var proto http.Protocols
	proto.SetUnencryptedHTTP2(true)
	c := &http.Client{Transport: &http.Transport{Protocols: &proto}}
	code, body := get(t, c, "http://"+p.Bound("127.0.0.1:0")+"/")
	if code != 200 || !strings.HasPrefix(body, "h2 HTTP/2.0") {
		t.Fatalf("%d %q", code, body)
	}
	// An HTTP/1.1 client works too.
	if code, body := get(t, &http.Client{}, "http://"+p.Bound("127.0.0.1:0")+"/"); code != 200 || !strings.HasPrefix(body, "h2 HTTP/2.0") {
		t.Fatalf("HTTP/1.1 client: %d %q", code, body)
	}
}

// echo is a TCP server that writes its name, then echoes.
func echo(t *testing.T, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, name+"\n")
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestTCPBalancesPerConnection(t *testing.T) {
	a, b := echo(t, "a"), echo(t, "b")
	p := startProxy(t, Listener{Name: "db", Addr: "127.0.0.1:0", Endpoints: []string{deadAddr(t), a, b}})
	got := map[string]int{}
	for range 6 {
		c, err := net.Dial("tcp", p.Bound("127.0.0.1:0"))
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		io.WriteString(c, "ping\n")
		if back, _ := r.ReadString('\n'); back != "ping\n" {
			t.Fatalf("echo %q", back)
		}
		c.Close()
		got[strings.TrimSpace(line)]++
	}
	if got["a"] == 0 || got["b"] == 0 {
		t.Fatalf("connections went to %v", got)
	}
	if st := p.Stats()[0]; st.Connections != 6 || st.ConnectFailures == 0 || st.Failures != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTCPIdleTimeoutClosesConnection(t *testing.T) {
	one := 1
	p := startProxy(t, Listener{Name: "db", Addr: "127.0.0.1:0", Endpoints: []string{echo(t, "a")}, IdleTimeoutSeconds: &one})
	c, err := net.Dial("tcp", p.Bound("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(10 * time.Second))
	b, err := io.ReadAll(c) // the greeting, then EOF once the proxy closes the idle connection
	if err != nil || string(b) != "a\n" {
		t.Fatalf("%q %v", b, err)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 5*time.Second {
		t.Fatalf("closed after %v, want about 1 s", d)
	}
}

func TestUpdate(t *testing.T) {
	a, b := echo(t, "a"), echo(t, "b")
	p := startProxy(t, Listener{Name: "db", Addr: "127.0.0.1:0", Endpoints: []string{a}})
	bound := p.Bound("127.0.0.1:0")
	read := func() string {
		c, err := net.Dial("tcp", bound)
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	if got := read(); got != "a" {
		t.Fatalf("%q", got)
	}
	// New endpoints: the same listener takes them.
	if err := p.Update([]Listener{{Name: "db", Addr: "127.0.0.1:0", Endpoints: []string{b}}}); err != nil {
		t.Fatal(err)
	}
	if p.Bound("127.0.0.1:0") != bound || read() != "b" {
		t.Fatal("endpoints must change in place")
	}
	// A protocol change restarts the listener; a listener no longer listed stops.
	if err := p.Update([]Listener{{Name: "db", Addr: "127.0.0.1:0", AppProtocol: "http", Endpoints: []string{b}}}); err != nil {
		t.Fatal(err)
	}
	if p.Bound("127.0.0.1:0") == bound {
		t.Fatal("a protocol change must restart the listener")
	}
	if err := p.Update(nil); err != nil {
		t.Fatal(err)
	}
	if len(p.Stats()) != 0 || p.Bound("127.0.0.1:0") != "" {
		t.Fatalf("listeners left: %+v", p.Stats())
	}
	// An address that cannot be listened on is reported; the others still start.
	err := p.Update([]Listener{{Name: "bad", Addr: "256.0.0.1:1"}, {Name: "ok", Addr: "127.0.0.1:0"}})
	if err == nil || !strings.Contains(err.Error(), "bad") || p.Bound("127.0.0.1:0") == "" {
		t.Fatalf("%v, ok listening on %q", err, p.Bound("127.0.0.1:0"))
	}
}

// Stopping a TCP listener ends its connections, even one whose endpoint keeps its side
// open, so an update never hangs on a quiet connection.
func TestTCPCloseEndsOpenConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	release := make(chan struct{})
	defer close(release)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "a\n")
		io.Copy(io.Discard, c) // to EOF, then hold the connection open
		<-release
	}()
	p := &Proxy{}
	if err := p.Update([]Listener{{Name: "db", Addr: "127.0.0.1:0", Endpoints: []string{ln.Addr().String()}}}); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", p.Bound("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if line, _ := bufio.NewReader(c).ReadString('\n'); line != "a\n" {
		t.Fatalf("%q", line)
	}
	done := make(chan struct{})
	go func() { p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs on an open connection")
	}
}
