package workload

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseProxy(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Proxy
		wantErr bool
	}{
		{in: "127.0.0.1:51679=172.18.0.1:4000", want: Proxy{Listen: "127.0.0.1:51679", Target: "172.18.0.1:4000"}},
		{in: "127.0.0.1:51679", wantErr: true},
		{in: "=x:1", wantErr: true},
		{in: "a:1=", wantErr: true},
	} {
		got, err := ParseProxy(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseProxy(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func TestProxyForwardsHTTP(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "metadata for "+r.URL.Path)
	}))
	defer target.Close()
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := free.Addr().String()
	free.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	wait, err := startProxies(ctx, []Proxy{{Listen: addr, Target: strings.TrimPrefix(target.URL, "http://")}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/v4/abc")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "metadata for /v4/abc" {
		t.Fatalf("through the proxy: %q", body)
	}
	cancel()
	wait()
	if _, err := client.Get("http://" + addr + "/"); err == nil {
		t.Fatal("the proxy must stop listening when its context ends")
	}
	if !strings.Contains(out.String(), "proxying "+addr) {
		t.Errorf("no log line: %q", out.String())
	}
}

func TestProxyListenError(t *testing.T) {
	busy, _ := net.Listen("tcp", "127.0.0.1:0")
	defer busy.Close()
	if _, err := startProxies(context.Background(), []Proxy{{Listen: busy.Addr().String(), Target: "127.0.0.1:1"}}, io.Discard); err == nil {
		t.Fatal("want an error for a busy address")
	}
}
