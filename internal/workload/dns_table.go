package workload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// dnsTable is the names the task's DNS server answers itself: name → IPv4 addresses,
// as last fetched from ecsmini. Names are lower-case without a trailing dot.
type dnsTable struct {
	mu      sync.RWMutex
	records map[string][]netip.Addr
	search  []string // the resolver's search domains, lower-case, no dots at the ends
}

// lookup finds name, ignoring case and a trailing dot. A name that is a table name with
// one of the search domains appended (what a resolver asks after the plain name failed,
// or first when the name has enough dots) is found too. ok is false for unknown names.
func (t *dnsTable) lookup(name string) (ips []netip.Addr, ok bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	t.mu.RLock()
	defer t.mu.RUnlock()
	if ips, ok := t.records[name]; ok {
		return ips, true
	}
	for _, s := range t.search {
		if base, cut := strings.CutSuffix(name, "."+s); cut && base != "" {
			if ips, ok := t.records[base]; ok {
				return ips, true
			}
		}
	}
	return nil, false
}

// set replaces the records.
func (t *dnsTable) set(records map[string][]netip.Addr) {
	t.mu.Lock()
	t.records = records
	t.mu.Unlock()
}

// dnsTableMaxBytes bounds the table document ecsmini serves.
const dnsTableMaxBytes = 4 << 20

// fetchDNSTable GETs the table at url: {"records": {"api": ["172.18.0.5"], ...}}.
// Names are normalised (lower-case, no trailing dot); addresses that are not IPv4 are
// dropped, since the server answers A queries only.
func fetchDNSTable(ctx context.Context, client *http.Client, url string) (map[string][]netip.Addr, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var doc struct {
		Records map[string][]string `json:"records"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, dnsTableMaxBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	out := make(map[string][]netip.Addr, len(doc.Records))
	for name, addrs := range doc.Records {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if name == "" {
			continue
		}
		ips := out[name]
		for _, a := range addrs {
			if ip, err := netip.ParseAddr(a); err == nil && ip.Is4() {
				ips = append(ips, ip)
			}
		}
		out[name] = ips
	}
	return out, nil
}

// refreshDNSTable fetches the table every interval until ctx ends. A failed fetch keeps
// the last good table (a restarting ecsmini must not make every name vanish); the log
// says when fetching starts failing and when it works again, not every attempt.
func refreshDNSTable(ctx context.Context, t *dnsTable, url string, interval time.Duration, log func(format string, args ...any)) {
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: false, MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	failing := false
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		fctx, cancel := context.WithTimeout(ctx, interval+time.Second)
		records, err := fetchDNSTable(fctx, client, url)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			failing = true
			log("dns: names unavailable, keeping the last ones: %v", err)
		case err == nil:
			if failing {
				failing = false
				log("dns: names available again (%d)", len(records))
			}
			t.set(records)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
