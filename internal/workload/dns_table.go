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

	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
)

// dnsTable is the names the task's DNS server answers itself: name → IPv4 addresses,
// as last fetched from ecsmini. Names are lower-case without a trailing dot.
type dnsTable struct {
	mu      sync.RWMutex
	records map[string][]netip.Addr
	srv     map[string][]srvRecord
	search  []string // the resolver's search domains, lower-case, no dots at the ends
	// onProxies, if set, is given the Service Connect listeners of every table fetched.
	onProxies func([]serviceconnect.Listener)

	// fetchMu guards what lets a caller see a fetch through (nextFetch): the number of
	// fetches begun, the waiters for the end of a later one, and the kick that begins
	// one now rather than at the next tick.
	fetchMu sync.Mutex
	begun   uint64
	waiters []fetchWaiter
	kick    chan struct{}
}

// fetchWaiter waits for the end of a fetch numbered above after.
type fetchWaiter struct {
	after uint64
	done  chan struct{}
}

// nextFetch returns a channel closed once a fetch that begins after the call has ended,
// applied or failed, and has that fetch begin now: a test that changed the document
// waits on it for the server to have read the change, instead of polling.
func (t *dnsTable) nextFetch() <-chan struct{} {
	t.fetchMu.Lock()
	defer t.fetchMu.Unlock()
	w := fetchWaiter{after: t.begun, done: make(chan struct{})}
	t.waiters = append(t.waiters, w)
	select {
	case t.kicksLocked() <- struct{}{}:
	default: // a kick is pending already
	}
	return w.done
}

// kicksLocked is the kick channel, made on first use; the caller holds fetchMu.
func (t *dnsTable) kicksLocked() chan struct{} {
	if t.kick == nil {
		t.kick = make(chan struct{}, 1)
	}
	return t.kick
}

// fetchBegins numbers a fetch about to begin.
func (t *dnsTable) fetchBegins() uint64 {
	t.fetchMu.Lock()
	defer t.fetchMu.Unlock()
	t.begun++
	return t.begun
}

// fetchEnded wakes the waiters for fetch n's end.
func (t *dnsTable) fetchEnded(n uint64) {
	t.fetchMu.Lock()
	defer t.fetchMu.Unlock()
	keep := t.waiters[:0]
	for _, w := range t.waiters {
		if n > w.after {
			close(w.done)
		} else {
			keep = append(keep, w)
		}
	}
	t.waiters = keep
}

// srvRecord is one SRV answer: a target name and a port.
type srvRecord struct {
	target string
	port   uint16
}

// fetchedTable is one table document as read.
type fetchedTable struct {
	records map[string][]netip.Addr
	srv     map[string][]srvRecord
	proxies []serviceconnect.Listener
}

// lookup finds name, ignoring case and a trailing dot. A name that is a table name with
// one of the search domains appended (what a resolver asks after the plain name failed,
// or first when the name has enough dots) is found too. ok is false for unknown names.
func (t *dnsTable) lookup(name string) (ips []netip.Addr, ok bool) {
	ips, _, ok = t.lookupAll(name)
	return ips, ok
}

// lookupAll is lookup with the name's SRV records too; a name with only SRV records
// exists (ok) with no addresses.
func (t *dnsTable) lookupAll(name string) (ips []netip.Addr, srv []srvRecord, ok bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	t.mu.RLock()
	defer t.mu.RUnlock()
	find := func(n string) bool {
		var inA, inSRV bool
		ips, inA = t.records[n]
		srv, inSRV = t.srv[n]
		return inA || inSRV
	}
	if find(name) {
		return ips, srv, true
	}
	for _, s := range t.search {
		if base, cut := strings.CutSuffix(name, "."+s); cut && base != "" && find(base) {
			return ips, srv, true
		}
	}
	return nil, nil, false
}

// setAll replaces the A and SRV records.
func (t *dnsTable) setAll(f fetchedTable) {
	t.mu.Lock()
	t.records, t.srv = f.records, f.srv
	t.mu.Unlock()
}

// dnsTableMaxBytes bounds the table document ecsmini serves.
const dnsTableMaxBytes = 4 << 20

// fetchDNSTable GETs the table at url: {"records": {"api": ["172.18.0.5"], ...}}.
// Names are normalised (lower-case, no trailing dot); addresses that are not IPv4 are
// dropped, since the server answers A queries only.
func fetchDNSTable(ctx context.Context, client *http.Client, url string) (fetchedTable, error) {
	var f fetchedTable
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return f, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return f, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return f, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var doc struct {
		Records map[string][]string `json:"records"`
		SRV     map[string][]struct {
			Target string `json:"target"`
			Port   int    `json:"port"`
		} `json:"srv"`
		Proxies []serviceconnect.Listener `json:"proxies"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, dnsTableMaxBytes)).Decode(&doc); err != nil {
		return f, fmt.Errorf("GET %s: %w", url, err)
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
	f.records, f.proxies = out, doc.Proxies
	for name, recs := range doc.SRV {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		for _, r := range recs {
			target := strings.ToLower(strings.TrimSuffix(r.Target, "."))
			if name == "" || target == "" || r.Port <= 0 || r.Port > 65535 {
				continue
			}
			if f.srv == nil {
				f.srv = map[string][]srvRecord{}
			}
			f.srv[name] = append(f.srv[name], srvRecord{target: target, port: uint16(r.Port)})
		}
	}
	return f, nil
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
	t.fetchMu.Lock()
	kick := t.kicksLocked()
	t.fetchMu.Unlock()
	for {
		n := t.fetchBegins()
		fctx, cancel := context.WithTimeout(ctx, interval+time.Second)
		table, err := fetchDNSTable(fctx, client, url)
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
				log("dns: names available again (%d)", len(table.records))
			}
			t.setAll(table)
			if t.onProxies != nil {
				t.onProxies(table.proxies)
			}
		}
		t.fetchEnded(n)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-kick:
		}
	}
}
