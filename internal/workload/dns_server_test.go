package workload

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tableServer serves a DNS table document that the test can change.
type tableServer struct {
	*httptest.Server
	mu    sync.Mutex
	doc   string
	fail  bool
	calls atomic.Int32
}

func newTableServer(t *testing.T, doc string) *tableServer {
	ts := &tableServer{doc: doc}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.calls.Add(1)
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if ts.fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, ts.doc)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tableServer) set(doc string, fail bool) {
	ts.mu.Lock()
	ts.doc, ts.fail = doc, fail
	ts.mu.Unlock()
}

// runDNS starts a DNS server on a free loopback port and returns its address, and its
// table once the first fetch of the table has ended.
func runDNS(t *testing.T, cfg DNS) (string, *dnsTable) {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	var tb *dnsTable
	cfg.onTable = func(t *dnsTable) { tb = t }
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncWriter{w: &bytes.Buffer{}}
	wait, err := startDNS(ctx, cfg, out)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		done := make(chan struct{})
		go func() { wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the DNS server did not stop when its context ended")
		}
	})
	line := out.String()
	_, rest, _ := strings.Cut(line, "dns on ")
	addr, _, _ := strings.Cut(rest, ",")
	if addr == "" {
		t.Fatalf("no address in %q", line)
	}
	awaitFetch(t, tb)
	return addr, tb
}

// awaitFetch makes tb fetch its table now and waits until the fetch has ended.
func awaitFetch(t *testing.T, tb *dnsTable) {
	t.Helper()
	select {
	case <-tb.nextFetch():
	case <-time.After(10 * time.Second): // a hang, not a timing: the fetch begins at once
		t.Fatal("the DNS table was never fetched")
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// ask sends a query over UDP or TCP and returns the answer's rcode and addresses.
func ask(t *testing.T, addr, name string, qtype uint16, tcp bool) (int, []netip.Addr) {
	t.Helper()
	network := "udp"
	if tcp {
		network = "tcp"
	}
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	q := query(t, 7, name, qtype)
	var resp []byte
	if tcp {
		resp, err = exchangeTCP(c, q)
	} else {
		if _, err = c.Write(q); err == nil {
			buf := make([]byte, 65535)
			var n int
			n, err = c.Read(buf)
			resp = buf[:n]
		}
	}
	if err != nil {
		t.Fatalf("%s query for %s: %v", network, name, err)
	}
	rcode, ips, err := dnsAnswerIPs(resp)
	if err != nil {
		t.Fatal(err)
	}
	return rcode, ips
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

func TestDNSServerAnswersFromTheTable(t *testing.T) {
	table := newTableServer(t, `{"records": {"api": ["172.18.0.5", "172.18.0.6", "fd00::1", "junk"], "Api.Local.": ["172.18.0.7"], "empty": []}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL})

	for _, tc := range []struct {
		name  string
		qtype uint16
		tcp   bool
		rcode int
		ips   []netip.Addr
	}{
		{"api", dnsTypeA, false, dnsRcodeOK, addrs("172.18.0.5", "172.18.0.6")},
		{"API", dnsTypeA, false, dnsRcodeOK, addrs("172.18.0.5", "172.18.0.6")},
		{"api", dnsTypeA, true, dnsRcodeOK, addrs("172.18.0.5", "172.18.0.6")},
		{"api.local", dnsTypeA, false, dnsRcodeOK, addrs("172.18.0.7")},
		{"api", dnsTypeAAAA, false, dnsRcodeOK, nil},
		{"api", dnsTypeANY, true, dnsRcodeOK, addrs("172.18.0.5", "172.18.0.6")},
		{"empty", dnsTypeA, false, dnsRcodeOK, nil},
		{"db", dnsTypeA, false, dnsRcodeNXDomain, nil},
		{"db", dnsTypeA, true, dnsRcodeNXDomain, nil},
	} {
		rcode, ips := ask(t, addr, tc.name, tc.qtype, tc.tcp)
		slices.SortFunc(ips, netip.Addr.Compare) // the order rotates; see below
		if rcode != tc.rcode || !slices.Equal(ips, tc.ips) {
			t.Errorf("%s type %d (tcp %v) = rcode %d %v; want rcode %d %v", tc.name, tc.qtype, tc.tcp, rcode, ips, tc.rcode, tc.ips)
		}
	}
}

// Answers rotate, so clients that take the first address spread over a service's tasks.
func TestDNSServerRotatesAnswers(t *testing.T) {
	table := newTableServer(t, `{"records": {"api": ["10.0.0.1", "10.0.0.2", "10.0.0.3"]}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL})
	first := map[netip.Addr]int{}
	for range 6 {
		_, ips := ask(t, addr, "api", dnsTypeA, false)
		if len(ips) != 3 {
			t.Fatalf("answers %v", ips)
		}
		first[ips[0]]++
	}
	if len(first) != 3 {
		t.Fatalf("every address must come first in turn, got %v", first)
	}
}

// TestDNSServerWithGoResolver asks through Go's own stub resolver, which sends A and
// AAAA queries with EDNS, the way programs in the task's containers do.
func TestDNSServerWithGoResolver(t *testing.T) {
	table := newTableServer(t, `{"records": {"api": ["172.18.0.5"]}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL})
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	if ips, err := r.LookupNetIP(context.Background(), "ip", "api."); err != nil || !slices.Equal(ips, addrs("172.18.0.5")) {
		t.Fatalf("api = %v, %v", ips, err)
	}
	if _, err := r.LookupNetIP(context.Background(), "ip", "db."); err == nil {
		t.Fatal("an unknown name must not resolve")
	}
}

func TestDNSServerForwardsUnknownNames(t *testing.T) {
	upTable := newTableServer(t, `{"records": {"example.com": ["93.184.216.34"]}}`)
	upstream, _ := runDNS(t, DNS{Table: upTable.URL})
	table := newTableServer(t, `{"records": {"api": ["172.18.0.5"]}}`)
	dead := deadUDPAddr(t)
	addr, _ := runDNS(t, DNS{Table: table.URL, Upstreams: []string{dead, upstream}})
	for _, tcp := range []bool{false, true} {
		if rcode, ips := ask(t, addr, "example.com", dnsTypeA, tcp); rcode != dnsRcodeOK || !slices.Equal(ips, addrs("93.184.216.34")) {
			t.Errorf("forwarded (tcp %v): rcode %d %v", tcp, rcode, ips)
		}
		if rcode, _ := ask(t, addr, "nope.example", dnsTypeA, tcp); rcode != dnsRcodeNXDomain {
			t.Errorf("the upstream's NXDOMAIN (tcp %v): rcode %d", tcp, rcode)
		}
	}
	// The table wins over the upstream.
	if _, ips := ask(t, addr, "api", dnsTypeA, false); !slices.Equal(ips, addrs("172.18.0.5")) {
		t.Errorf("api = %v", ips)
	}
}

// deadUDPAddr is a loopback address where nothing answers (a closed port: the
// exchange fails at once with "connection refused").
func deadUDPAddr(t *testing.T) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

func TestDNSServerFailsWhenNoUpstreamAnswers(t *testing.T) {
	table := newTableServer(t, `{"records": {}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL, Upstreams: []string{deadUDPAddr(t)}})
	if rcode, _ := ask(t, addr, "example.com", dnsTypeA, false); rcode != dnsRcodeServFail {
		t.Fatalf("rcode %d, want SERVFAIL", rcode)
	}
}

func TestDNSServerAnswersBadQueries(t *testing.T) {
	s := &dnsServer{table: &dnsTable{}}
	if resp := s.handle(context.Background(), []byte{1, 2}, false); resp != nil {
		t.Fatalf("a short packet must be dropped, got %x", resp)
	}
	resp := s.handle(context.Background(), query(t, 9, "api", dnsTypeA)[:14], false)
	if rcode, _, err := dnsAnswerIPs(resp); err != nil || rcode != dnsRcodeFormErr {
		t.Fatalf("a cut query must be FORMERR: %d %v", rcode, err)
	}
	notify := query(t, 9, "api", dnsTypeA)
	notify[2] |= 4 << 3 // opcode NOTIFY
	if rcode, _, _ := dnsAnswerIPs(s.handle(context.Background(), notify, false)); rcode != dnsRcodeNotImp {
		t.Fatalf("opcode NOTIFY must be NOTIMP, got %d", rcode)
	}
	answer := dnsAnswer(dnsQuery{ID: 9, QDCount: 1, Name: "api", Type: 1, Class: 1}, 0, nil, 1, 0)
	if resp := s.handle(context.Background(), answer, false); resp != nil {
		t.Fatal("an answer must not be answered")
	}
}

func TestDNSServerTruncatesLongUDPAnswers(t *testing.T) {
	var ips []netip.Addr
	var quoted []string
	for i := range 40 {
		ips = append(ips, netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}))
		quoted = append(quoted, `"`+ips[i].String()+`"`)
	}
	table := newTableServer(t, `{"records": {"big": [`+strings.Join(quoted, ",")+`]}}`)
	addr, _ := runDNS(t, DNS{Table: table.URL})
	if _, got := ask(t, addr, "big", dnsTypeA, false); len(got) == 0 || len(got) >= 40 {
		t.Fatalf("UDP: %d answers, want a truncated part", len(got))
	}
	_, got := ask(t, addr, "big", dnsTypeA, true)
	if slices.SortFunc(got, netip.Addr.Compare); !slices.Equal(got, ips) {
		t.Fatalf("TCP: %d answers, want all 40", len(got))
	}
}

func TestDNSTableKeepsTheLastGoodTable(t *testing.T) {
	table := newTableServer(t, `{"records": {"api": ["172.18.0.5"]}}`)
	tb := &dnsTable{}
	var logMu sync.Mutex
	var logs []string
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	first := tb.nextFetch()
	go func() {
		defer close(done)
		// Fetches begin at nextFetch's kicks: the ticker never comes.
		refreshDNSTable(ctx, tb, table.URL, time.Hour, func(format string, args ...any) {
			logMu.Lock()
			logs = append(logs, fmt.Sprintf(format, args...))
			logMu.Unlock()
		})
	}()
	defer func() { cancel(); <-done }()
	<-first
	if _, ok := tb.lookup("api"); !ok {
		t.Fatal("the first table was not applied")
	}

	table.set("", true)
	for range 4 {
		awaitFetch(t, tb)
	}
	if ips, ok := tb.lookup("api"); !ok || !slices.Equal(ips, addrs("172.18.0.5")) {
		t.Fatalf("after failures the last good table must stay: %v %v", ips, ok)
	}
	table.set(`{"records": "not an object"}`, false)
	for range 4 {
		awaitFetch(t, tb)
	}
	if _, ok := tb.lookup("api"); !ok {
		t.Fatal("a bad document must keep the last good table")
	}

	table.set(`{"records": {"web": ["172.18.0.9"]}}`, false)
	awaitFetch(t, tb)
	if _, ok := tb.lookup("web"); !ok {
		t.Fatal("the new table was not applied")
	}
	if _, ok := tb.lookup("api"); ok {
		t.Fatal("a name gone from the table must go")
	}
	logMu.Lock()
	defer logMu.Unlock()
	if len(logs) != 2 || !strings.Contains(logs[0], "keeping the last ones") || !strings.Contains(logs[1], "available again") {
		t.Fatalf("want one line when fetching fails and one when it works again, got %q", logs)
	}
}

func TestDNSTableLookup(t *testing.T) {
	tb := &dnsTable{records: map[string][]netip.Addr{"api": addrs("10.0.0.1"), "api.ns": addrs("10.0.0.2")}, search: []string{"corp.example", "ns"}}
	for _, tc := range []struct {
		name string
		want []netip.Addr
		ok   bool
	}{
		{"api", addrs("10.0.0.1"), true},
		{"API.", addrs("10.0.0.1"), true},
		{"api.corp.example", addrs("10.0.0.1"), true},
		{"api.corp.example.", addrs("10.0.0.1"), true},
		{"api.ns", addrs("10.0.0.2"), true}, // an exact name wins over a search domain
		{"corp.example", nil, false},
		{"web.corp.example", nil, false},
		{"api.other", nil, false},
	} {
		got, ok := tb.lookup(tc.name)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("lookup(%q) = %v, %v", tc.name, got, ok)
		}
	}
}

func TestParseDNS(t *testing.T) {
	good := "127.0.0.1:53=http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=arn%3Aaws%3Aecs"
	if d, err := ParseDNS(good); err != nil || d.Listen != "127.0.0.1:53" || d.Table != "http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=arn%3Aaws%3Aecs" {
		t.Fatalf("ParseDNS = %+v, %v", d, err)
	}
	for _, bad := range []string{"127.0.0.1:53", "127.0.0.1=http://x/", "127.0.0.1:53=172.18.0.1:80", "=http://x/"} {
		if _, err := ParseDNS(bad); err == nil {
			t.Errorf("ParseDNS(%q) must fail", bad)
		}
	}
}

func TestTakeOverResolvConf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	orig := "search corp.example Lab.\nnameserver 127.0.0.11\nnameserver 10.0.0.2\noptions ndots:0\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	search, replaced, err := takeOverResolvConf(path, "127.0.0.1:53")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(search, []string{"corp.example", "lab"}) || !slices.Equal(replaced, []string{"127.0.0.11:53", "10.0.0.2:53"}) {
		t.Fatalf("search %q, replaced %q", search, replaced)
	}
	got, _ := os.ReadFile(path)
	want := resolvConfHeader + " 127.0.0.11:53, 10.0.0.2:53\nnameserver 127.0.0.1\nsearch corp.example Lab.\noptions ndots:0\n"
	if string(got) != want {
		t.Fatalf("resolv.conf:\n%s\nwant:\n%s", got, want)
	}
	// A restarted server finds the original nameservers in the header, not itself.
	_, replaced, err = takeOverResolvConf(path, "127.0.0.1:53")
	if err != nil || !slices.Equal(replaced, []string{"127.0.0.11:53", "10.0.0.2:53"}) {
		t.Fatalf("second take-over: %q, %v", replaced, err)
	}
	if again, _ := os.ReadFile(path); string(again) != want {
		t.Fatalf("a second take-over must change nothing:\n%s", again)
	}
	if _, _, err := takeOverResolvConf(path, "127.0.0.1:5353"); err == nil {
		t.Fatal("a port other than 53 cannot be written in resolv.conf")
	}
}

func TestTakeOverResolvConfWithoutNameservers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(path, []byte("options ndots:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, replaced, err := takeOverResolvConf(path, "0.0.0.0:53")
	if err != nil || replaced != nil {
		t.Fatalf("replaced %q, %v", replaced, err)
	}
	got, _ := os.ReadFile(path)
	if want := resolvConfHeader + " nowhere (NXDOMAIN)\nnameserver 127.0.0.1\noptions ndots:0\n"; string(got) != want {
		t.Fatalf("resolv.conf:\n%s", got)
	}
	_, replaced, _ = takeOverResolvConf(path, "0.0.0.0:53")
	if replaced != nil {
		t.Fatalf("the header's 'nowhere' is no upstream: %q", replaced)
	}
}

func TestRunServesDNS(t *testing.T) {
	table := newTableServer(t, `{"records": {"api": ["172.18.0.5"]}}`)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &syncWriter{w: &bytes.Buffer{}}
	tables := make(chan *dnsTable, 1)
	go func() {
		done <- Run(ctx, Config{DNS: &DNS{Listen: "127.0.0.1:0", Table: table.URL, onTable: func(tb *dnsTable) { tables <- tb }}}, w, w)
	}()
	select {
	case tb := <-tables: // after the log line
		awaitFetch(t, tb)
	case err := <-done:
		t.Fatalf("Run ended before the DNS server started: %v", err)
	}
	_, rest, ok := strings.Cut(w.String(), "dns on ")
	addr, _, _ := strings.Cut(rest, ",")
	if !ok {
		t.Fatalf("no DNS server's log line in %q", w.String())
	}
	if _, ips := ask(t, addr, "api", dnsTypeA, false); !slices.Equal(ips, addrs("172.18.0.5")) {
		t.Errorf("api = %v", ips)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
