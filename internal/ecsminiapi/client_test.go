package ecsminiapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/fargate"
)

// served is one request a fake ecsmini saw.
type served struct {
	method, path, contentType, client string
}

// recorder is a fake ecsmini that answers every request with status and body and
// records what it was sent.
func recorder(t *testing.T, status int, body string) (*Client, func() []served) {
	t.Helper()
	var mu sync.Mutex
	var seen []served
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, served{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get(ClientHeader)})
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return NewClient(srv.URL + "/"), func() []served {
		mu.Lock()
		defer mu.Unlock()
		return append([]served(nil), seen...)
	}
}

// Every state-changing call goes out as POST application/json marked as ecsmini's own
// client, so a server refusing simple cross-site requests accepts it; reads are GETs.
func TestClientMarksItsRequests(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		call   func(*Client) error
		method string
		path   string
	}{
		{"MoveClock", func(c *Client) error { _, err := c.MoveClock(ctx, ClockRequest{Advance: "1h"}); return err }, "POST", ClockPath},
		{"Shutdown", func(c *Client) error { return c.Shutdown(ctx) }, "POST", ShutdownPath},
		{"PinLBPorts", func(c *Client) error { _, err := c.PinLBPorts(ctx, LBPorts{}); return err }, "POST", LBPortsPath},
		{"SetSpotCapacity", func(c *Client) error { _, err := c.SetSpotCapacity(ctx, "a", false); return err }, "POST", SpotCapacityPath},
		{"InterruptSpot", func(c *Client) error { _, err := c.InterruptSpot(ctx, SpotInterrupt{}); return err }, "POST", SpotInterruptPath},
		{"InterruptSpotInstances", func(c *Client) error { _, err := c.InterruptSpotInstances(ctx, InstanceRefs{}); return err }, "POST", SpotInterruptInstancePath},
		{"AddInstances", func(c *Client) error { _, err := c.AddInstances(ctx, InstanceAdd{}); return err }, "POST", InstancesPath},
		{"RemoveInstances", func(c *Client) error { _, err := c.RemoveInstances(ctx, InstanceRefs{}); return err }, "POST", InstancesRemovePath},
		{"CreateASG", func(c *Client) error { _, err := c.CreateASG(ctx, emulator.ASGRequest{}); return err }, "POST", ASGsPath},
		{"UpdateASG", func(c *Client) error { _, err := c.UpdateASG(ctx, emulator.ASGRequest{}); return err }, "POST", ASGsUpdatePath},
		{"DeleteASG", func(c *Client) error { return c.DeleteASG(ctx, "g") }, "POST", ASGsDeletePath},
		{"Retire", func(c *Client) error { _, err := c.Retire(ctx, emulator.RetireRequest{}); return err }, "POST", RetirePath},
		{"ECS Call", func(c *Client) error { return c.Call(ctx, "ListClusters", struct{}{}, &struct{}{}) }, "POST", "/"},
		{"Clock", func(c *Client) error { _, err := c.Clock(ctx); return err }, "GET", ClockPath},
		{"Cost", func(c *Client) error { _, err := c.Cost(ctx, "x"); return err }, "GET", CostPath},
		{"ASGs", func(c *Client) error { _, err := c.ASGs(ctx); return err }, "GET", ASGsPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, seen := recorder(t, http.StatusOK, "{}")
			if tc.method == "POST" && tc.path == ShutdownPath {
				c, seen = recorder(t, http.StatusAccepted, `{"status":"stopping"}`)
			}
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			got := seen()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1: %+v", len(got), got)
			}
			r := got[0]
			wantType := "application/json"
			switch {
			case tc.path == "/":
				wantType = "application/x-amz-json-1.1"
			case tc.method == "GET":
				wantType = ""
			}
			if r.method != tc.method || r.path != tc.path || r.contentType != wantType || r.client != ClientName {
				t.Errorf("sent %+v, want %s %s, Content-Type %q, %s: %s", r, tc.method, tc.path, wantType, ClientHeader, ClientName)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		check  func(error) bool
		want   string
	}{
		{"ECS-shaped", 400, `{"__type":"ClusterNotFoundException","message":"Cluster not found."}`,
			func(err error) bool { return IsCode(err, ecs.CodeClusterNotFound) }, "Cluster not found."},
		{"not served", 404, "404 page not found", IsNotServed, "does not serve clock (HTTP 404); upgrade it"},
		{"plain text", 400, "span \"x\": want e.g. 7d\n", func(err error) bool { return !IsNotServed(err) }, `clock: span "x": want e.g. 7d`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := recorder(t, tc.status, tc.body)
			_, err := c.MoveClock(ctx, ClockRequest{Advance: "x"})
			if err == nil || !tc.check(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := NewClient("http://127.0.0.1:1").Clock(ctx); err == nil || !strings.HasPrefix(err.Error(), "no ecsmini answers at http://127.0.0.1:1") {
		t.Errorf("nothing listening: %v", err)
	}
}

// A server that accepts but never answers is an error after the client's Timeout.
func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c := NewClient(srv.URL)
	c.Timeout = 50 * time.Millisecond
	_, err := c.Cost(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "did not answer cost within 50ms") {
		t.Errorf("error %v, want a timeout", err)
	}
}

// The streams' own errors ("events: …") come back as themselves; anything else means
// the ecsmini does not serve the stream.
func TestStreamErrors(t *testing.T) {
	ctx := context.Background()
	c, _ := recorder(t, 400, "events: filter \"x\": want KEY=VALUE\n")
	if _, err := c.Events(ctx, EventsQuery{Tail: -1}); err == nil || err.Error() != `filter "x": want KEY=VALUE` {
		t.Errorf("events error %v", err)
	}
	c, _ = recorder(t, 404, "404 page not found")
	if _, err := c.Logs(ctx, LogsQuery{Task: "t", Tail: -1}); !IsNotServed(err) || !strings.Contains(err.Error(), "does not serve logs (HTTP 404)") {
		t.Errorf("logs error %v", err)
	}
}

// The typed client against the real handlers, on an emulator: the shared types carry
// each endpoint's JSON both ways.
func TestClientAgainstServer(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	virt, err := clock.NewVirtual(fake, 1)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Config{Clock: virt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	api := httpapi.New(emu, nil)
	stopped := make(chan struct{})
	var moved atomic.Int32
	Mount(ctx, api, Config{Emulator: emu, Clock: virt, ClockMoved: func() { moved.Add(1) }, Prices: fargate.BuiltinPrices(),
		PriceSource: "test", Health: Health{Status: "ok", Region: "eu-west-1"}, Shutdown: func() { close(stopped) }})
	srv := httptest.NewServer(api)
	defer srv.Close()
	c := NewClient(srv.URL)

	if h, err := c.Health(ctx, time.Second); err != nil || h.Region != "eu-west-1" {
		t.Fatalf("health %+v, %v", h, err)
	}
	st, err := c.MoveClock(ctx, ClockRequest{Advance: "1d"})
	if err != nil || !st.Now.Equal(time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC)) || moved.Load() != 1 {
		t.Fatalf("clock %+v, %v (moved %d)", st, err, moved.Load())
	}
	if err := c.Call(ctx, "CreateCluster", map[string]string{"clusterName": "c1"}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if sc, err := c.SetSpotCapacity(ctx, "c1", false); err != nil || sc.Available == nil || *sc.Available || sc.Cluster != "c1" {
		t.Fatalf("spot capacity %+v, %v", sc, err)
	}
	if sc, err := c.SpotCapacity(ctx, "c1"); err != nil || sc.Available == nil || *sc.Available {
		t.Fatalf("spot capacity %+v, %v", sc, err)
	}
	in, err := c.AddInstances(ctx, InstanceAdd{Cluster: "c1", Type: "m5.large", Count: 2})
	if err != nil || len(in.ContainerInstances) != 2 {
		t.Fatalf("add instances %+v, %v", in, err)
	}
	if cis, err := c.ContainerInstances(ctx, "c1"); err != nil || len(cis) != 2 {
		t.Fatalf("container instances %d, %v", len(cis), err)
	}
	if _, err := c.RemoveInstances(ctx, InstanceRefs{Cluster: "c1"}); !IsCode(err, ecs.CodeInvalidParameter) {
		t.Fatalf("removing no instances: %v", err)
	}
	if rep, err := c.Cost(ctx, "c1"); err != nil || rep.PriceSource != "test" {
		t.Fatalf("cost %+v, %v", rep, err)
	}
	if _, err := c.Retire(ctx, emulator.RetireRequest{Cluster: "c1", PlatformVersion: "1.4.0"}); !IsCode(err, ecs.CodeInvalidParameter) {
		t.Fatalf("retiring no task: %v", err)
	}
	if res, err := c.PinLBPorts(ctx, LBPorts{Ports: map[string]int{"tg": 0}}); err != nil || len(res.Kept) != 1 {
		t.Fatalf("pin %+v, %v", res, err)
	}
	if err := c.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not call Shutdown")
	}
	if _, err := c.Logs(ctx, LogsQuery{Task: "x", Tail: -1}); !IsNotServed(err) {
		t.Errorf("logs without a collector: %v, want not served", err)
	}
}
