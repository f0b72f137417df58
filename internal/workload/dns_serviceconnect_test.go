package workload

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// resolverAt is Go's stub resolver asking only the server at addr.
func resolverAt(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// Cloud Map registries with a port answer SRV queries (Go's LookupSRV, as an SRV-aware
// client asks), whose targets resolve to the tasks' addresses.
func TestDNSServerAnswersSRV(t *testing.T) {
	table := newTableServer(t, `{"records": {"api.demo.local": ["172.18.0.5", "172.18.0.6"],
		"t1.api.demo.local": ["172.18.0.5"], "t2.api.demo.local": ["172.18.0.6"], "srvonly.demo.local": []},
		"srv": {"api.demo.local": [{"target": "t1.api.demo.local", "port": 8080}, {"target": "t2.api.demo.local", "port": 8081}],
			"srvonly.demo.local": [{"target": "t1.api.demo.local", "port": 9}]}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL})
	r := resolverAt(addr)
	ctx := context.Background()
	_, srvs, err := r.LookupSRV(ctx, "", "", "api.demo.local")
	if err != nil || len(srvs) != 2 {
		t.Fatalf("SRV of api.demo.local: %v, %v", srvs, err)
	}
	got := []string{}
	for _, s := range srvs {
		got = append(got, fmt.Sprintf("%s:%d", s.Target, s.Port))
	}
	slices.Sort(got)
	if want := []string{"t1.api.demo.local.:8080", "t2.api.demo.local.:8081"}; !slices.Equal(got, want) {
		t.Fatalf("SRV %v, want %v", got, want)
	}
	if ips, err := r.LookupNetIP(ctx, "ip4", "t2.api.demo.local."); err != nil || !slices.Equal(ips, addrs("172.18.0.6")) {
		t.Fatalf("the target's A record: %v %v", ips, err)
	}
	if ips, err := r.LookupNetIP(ctx, "ip4", "api.demo.local."); err != nil || len(ips) != 2 {
		t.Fatalf("A records of the service name: %v %v", ips, err)
	}
	if _, s, err := r.LookupSRV(ctx, "", "", "srvonly.demo.local"); err != nil || len(s) != 1 || s[0].Port != 9 {
		t.Fatalf("a name with SRV only: %v %v", s, err)
	}
	if _, _, err := r.LookupSRV(ctx, "", "", "nope.demo.local"); err == nil {
		t.Fatal("an unknown name has no SRV records")
	}
}

// The table's Service Connect listeners run next to the DNS server: the alias resolves
// to its 127.255.x.y address and that address forwards to the endpoints; a table
// without the alias stops the listener.
func TestDNSServerRunsServiceConnectListeners(t *testing.T) {
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from api") }))
	defer be.Close()
	ln, err := net.Listen("tcp", "127.255.3.4:0") // a free port on the alias address
	if err != nil {
		t.Skipf("this kernel does not route 127.255.0.0/16 to loopback: %v", err)
	}
	alias := ln.Addr().String()
	ln.Close()
	doc := fmt.Sprintf(`{"records": {"api": ["127.255.3.4"]}, "proxies": [{"name": "api", "addr": %q, "appProtocol": "http", "endpoints": [%q]}]}`,
		alias, be.Listener.Addr().String())
	table := newTableServer(t, doc)
	addr, tb := runDNS(t, DNS{Table: table.URL})
	r := resolverAt(addr)
	_, port, _ := net.SplitHostPort(alias)
	c := &http.Client{Transport: &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Resolver: r}).DialContext}}
	url := "http://api:" + port + "/"
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "from api" {
		t.Fatalf("through the alias: %q, %v", b, err)
	}
	table.set(`{"records": {}}`, false)
	awaitFetch(t, tb)
	conn, err := net.Dial("tcp", alias)
	if err == nil {
		conn.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("the alias after the table dropped it: %v, want connection refused", err)
	}
}
