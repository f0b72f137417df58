package discovery

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
)

// fakeSource returns fixed records per cluster and remembers what it was asked.
type fakeSource struct {
	byCluster map[string]map[string][]string
	asked     []string
}

func (f *fakeSource) Records(clusterARN string) map[string][]string {
	f.asked = append(f.asked, clusterARN)
	return f.byCluster[clusterARN]
}

const clusterARN = "arn:aws:ecs:us-east-1:000000000000:cluster/default"

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func TestHandlerServesTheClustersRecords(t *testing.T) {
	src := &fakeSource{byCluster: map[string]map[string][]string{clusterARN: {
		"api":        {"172.18.0.6", "172.18.0.5", "172.18.0.6"},
		"API.local.": {"172.18.0.7", "fd00::1", "not-an-ip"},
		"api.LOCAL":  {"172.18.0.8"},
		"":           {"172.18.0.9"},
		"idle":       nil,
	}}}
	w := get(t, Handler(src), http.MethodGet, TableURL("172.18.0.1:51680", clusterARN)[len("http://172.18.0.1:51680"):])
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, headers %v", w.Code, w.Header())
	}
	var got Table
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"api":       {"172.18.0.5", "172.18.0.6"},
		"api.local": {"172.18.0.7", "172.18.0.8"},
		"idle":      {},
	}
	if !reflect.DeepEqual(got.Records, want) {
		t.Fatalf("records %v, want %v", got.Records, want)
	}
	if !reflect.DeepEqual(src.asked, []string{clusterARN}) {
		t.Fatalf("asked for %q", src.asked)
	}
}

func TestHandlerUnknownClusterHasNoNames(t *testing.T) {
	for _, src := range []Source{&fakeSource{}, nil, Records(struct{}{})} {
		w := get(t, Handler(src), http.MethodGet, Path+"?cluster="+url.QueryEscape(clusterARN))
		if w.Code != http.StatusOK || w.Body.String() != `{"records":{}}`+"\n" {
			t.Fatalf("%T: %d %q", src, w.Code, w.Body.String())
		}
	}
}

func TestHandlerRejects(t *testing.T) {
	h := Handler(&fakeSource{})
	if w := get(t, h, http.MethodGet, Path); w.Code != http.StatusBadRequest {
		t.Fatalf("no cluster: %d", w.Code)
	}
	if w := get(t, h, http.MethodPost, Path+"?cluster=x"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") == "" {
		t.Fatalf("POST: %d %v", w.Code, w.Header())
	}
}

func TestRecordsAdapter(t *testing.T) {
	src := &fakeSource{byCluster: map[string]map[string][]string{"c": {"a": {"10.0.0.1"}}}}
	if got := Records(src).Records("c"); !reflect.DeepEqual(got, map[string][]string{"a": {"10.0.0.1"}}) {
		t.Fatalf("a Source must be used as is: %v", got)
	}
	if got := Records(42).Records("c"); got != nil {
		t.Fatalf("a value without Records has no names: %v", got)
	}
}

func TestTableURL(t *testing.T) {
	got := TableURL("172.18.0.1:51680", clusterARN)
	want := "http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=arn%3Aaws%3Aecs%3Aus-east-1%3A000000000000%3Acluster%2Fdefault"
	if got != want {
		t.Fatalf("TableURL = %s", got)
	}
	u, _ := url.Parse(got)
	if u.Query().Get("cluster") != clusterARN {
		t.Fatalf("the ARN must come back: %q", u.Query().Get("cluster"))
	}
}

// tableSource is a TableSource with a fixed table.
type tableSource struct{ t Table }

func (s tableSource) Records(string) map[string][]string { return nil }
func (s tableSource) Table(string) Table                 { return s.t }

func TestHandlerServesSRVAndProxies(t *testing.T) {
	src := tableSource{Table{
		Records: map[string][]string{"API.demo.local": {"172.18.0.5"}},
		SRV: map[string][]SRV{"Api.Demo.Local.": {{Target: "b.api.demo.local", Port: 8080}, {Target: "A.api.demo.local.", Port: 8080},
			{Target: "", Port: 1}, {Target: "x", Port: 0}, {Target: "a.api.demo.local", Port: 8080}}},
		Proxies: []serviceconnect.Listener{{Name: "api", Addr: "127.255.1.2:80", AppProtocol: "http", Endpoints: []string{"172.18.0.5:8080"}}},
	}}
	w := get(t, Handler(src), http.MethodGet, Path+"?cluster=c")
	var got Table
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := Table{
		Records: map[string][]string{"api.demo.local": {"172.18.0.5"}},
		SRV:     map[string][]SRV{"api.demo.local": {{Target: "a.api.demo.local", Port: 8080}, {Target: "b.api.demo.local", Port: 8080}}},
		Proxies: src.t.Proxies,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("table %+v\nwant %+v", got, want)
	}
}

// A task's own container ports get no Service Connect listener.
func TestHandlerLeavesOutTheTasksOwnPorts(t *testing.T) {
	src := tableSource{Table{Proxies: []serviceconnect.Listener{
		{Name: "api", Addr: "127.255.1.2:8080"}, {Name: "db", Addr: "127.255.1.3:5432"}, {Name: "web", Addr: "127.255.1.4:80"}}}}
	u := TableURL("h:1", "c", 8080, 80)
	if !strings.HasSuffix(u, "&own-ports=8080,80") {
		t.Fatalf("TableURL = %s", u)
	}
	w := get(t, Handler(src), http.MethodGet, u[len("http://h:1"):])
	var got Table
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Proxies) != 1 || got.Proxies[0].Name != "db" {
		t.Fatalf("proxies %+v", got.Proxies)
	}
}

// An ingress listener (ingressPortOverride) goes to the task whose address it listens
// on, which is the address the task asks from, and to no other task.
func TestHandlerGivesIngressListenersToTheirTaskOnly(t *testing.T) {
	src := tableSource{Table{Proxies: []serviceconnect.Listener{
		{Name: "api", Addr: "127.255.1.2:80", Endpoints: []string{"172.18.0.5:15000", "172.18.0.6:15000"}},
		{Name: "api ingress", Addr: "172.18.0.5:15000", Endpoints: []string{"172.18.0.5:8080"}, Ingress: true},
		{Name: "api ingress", Addr: "172.18.0.6:15000", Endpoints: []string{"172.18.0.6:8080"}, Ingress: true},
	}}}
	for _, c := range []struct {
		remote string
		want   []string // the listeners' addresses
	}{
		{"172.18.0.5:41000", []string{"127.255.1.2:80", "172.18.0.5:15000"}},
		{"172.18.0.6:41000", []string{"127.255.1.2:80", "172.18.0.6:15000"}},
		{"172.18.0.9:41000", []string{"127.255.1.2:80"}},
	} {
		r := httptest.NewRequest(http.MethodGet, Path+"?cluster=c", nil)
		r.RemoteAddr = c.remote
		w := httptest.NewRecorder()
		Handler(src).ServeHTTP(w, r)
		var got Table
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		var addrs []string
		for _, l := range got.Proxies {
			addrs = append(addrs, l.Addr)
		}
		if !reflect.DeepEqual(addrs, c.want) {
			t.Errorf("from %s: listeners %v, want %v", c.remote, addrs, c.want)
		}
	}
}
