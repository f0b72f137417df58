package discovery

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
)

// Path is where Handler serves.
const Path = "/_ecsmini/dns/v1"

// Source gives the DNS names of a cluster's services: name → the private IPv4 addresses
// of the service's healthy tasks. A cluster that is unknown or has no services has no
// names (an empty or nil map).
type Source interface {
	Records(clusterARN string) map[string][]string
}

// Table is the document Handler serves.
type Table struct {
	// Records are the A records: name → IPv4 addresses.
	Records map[string][]string `json:"records"`
	// SRV are the SRV records: name → targets (a name that has A records too) and ports,
	// as Cloud Map answers for a registry with a port.
	SRV map[string][]SRV `json:"srv,omitempty"`
	// Proxies are the Service Connect listeners every task's proxy runs: each client
	// alias of the namespaces the cluster's services use, with its endpoints.
	Proxies []serviceconnect.Listener `json:"proxies,omitempty"`
}

// SRV is one SRV record's target and port (priority and weight are always 1).
type SRV struct {
	Target string `json:"target"`
	Port   int    `json:"port"`
}

// TableSource is a Source with SRV records and Service Connect listeners; Handler
// serves its whole table when the Source is one.
type TableSource interface {
	Table(clusterARN string) Table
}

// TableURL is the address of a cluster's table on the endpoints listener at hostPort.
// ownPorts are the container ports of the task that fetches it: its containers listen
// on them (on every address, usually), so the table leaves out the Service Connect
// listeners on those ports, which could not listen, or would keep the task's own
// server from doing so.
func TableURL(hostPort, clusterARN string, ownPorts ...int) string {
	u := "http://" + hostPort + Path + "?cluster=" + url.QueryEscape(clusterARN)
	if len(ownPorts) > 0 {
		ps := make([]string, len(ownPorts))
		for i, p := range ownPorts {
			ps[i] = strconv.Itoa(p)
		}
		u += "&own-ports=" + strings.Join(ps, ",")
	}
	return u
}

// withoutPorts drops the listeners on any of the ports in list (comma-separated).
func withoutPorts(ls []serviceconnect.Listener, list string) []serviceconnect.Listener {
	if list == "" {
		return ls
	}
	own := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		own[strings.TrimSpace(p)] = true
	}
	return slices.DeleteFunc(slices.Clone(ls), func(l serviceconnect.Listener) bool {
		_, port, err := net.SplitHostPort(l.Addr)
		return err == nil && own[port]
	})
}

// ownIngress drops the ingress listeners (ingressPortOverride) of other tasks than the
// one asking: a task fetches its table from its own address, which is the address its
// ingress listeners listen on. Without this every task would try, and fail, to listen
// on the others' addresses.
func ownIngress(ls []serviceconnect.Listener, remoteAddr string) []serviceconnect.Listener {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return slices.DeleteFunc(slices.Clone(ls), func(l serviceconnect.Listener) bool {
		if !l.Ingress {
			return false
		}
		lh, _, err := net.SplitHostPort(l.Addr)
		return err != nil || lh != host
	})
}

// Handler serves GET Path?cluster=ARN from src; a nil src has no names.
func Handler(src Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		cluster := r.URL.Query().Get("cluster")
		if cluster == "" {
			http.Error(w, "the cluster query parameter (the cluster's ARN) is required", http.StatusBadRequest)
			return
		}
		var t Table
		if ts, ok := src.(TableSource); ok {
			t = ts.Table(cluster)
		} else if src != nil {
			t.Records = src.Records(cluster)
		}
		t.Records = Normalize(t.Records)
		t.SRV = normalizeSRV(t.SRV)
		t.Proxies = withoutPorts(t.Proxies, r.URL.Query().Get("own-ports"))
		t.Proxies = ownIngress(t.Proxies, r.RemoteAddr)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(t)
	})
}

// Normalize returns records with names lower-cased and without a trailing dot (names
// that then coincide are merged), and each name's addresses reduced to the valid IPv4
// ones, sorted, without repeats. Empty names are dropped; a name without addresses stays
// (it exists, with no address: the DNS server answers it with no records).
func Normalize(records map[string][]string) map[string][]string {
	out := make(map[string][]string, len(records))
	for name, ips := range records {
		name = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
		if name == "" {
			continue
		}
		addrs := out[name]
		if addrs == nil {
			addrs = []string{}
		}
		for _, ip := range ips {
			if a, err := netip.ParseAddr(ip); err == nil && a.Is4() {
				addrs = append(addrs, a.String())
			}
		}
		out[name] = addrs
	}
	for name, addrs := range out {
		slices.SortFunc(addrs, func(a, b string) int {
			return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
		})
		out[name] = slices.Compact(addrs)
	}
	return out
}

// Records adapts v to a Source: v itself when it has a Records method, else a Source
// without names. It lets ecsmini wire discovery before its control plane has names.
func Records(v any) Source {
	if s, ok := v.(Source); ok {
		return s
	}
	return none{}
}

type none struct{}

func (none) Records(string) map[string][]string { return nil }

// normalizeSRV lower-cases names and targets, drops records without a target or with a
// port outside 1..65535, and orders each name's records by target and port.
func normalizeSRV(srv map[string][]SRV) map[string][]SRV {
	if len(srv) == 0 {
		return nil
	}
	out := make(map[string][]SRV, len(srv))
	for name, recs := range srv {
		name = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
		if name == "" {
			continue
		}
		for _, r := range recs {
			r.Target = strings.ToLower(strings.TrimSuffix(r.Target, "."))
			if r.Target != "" && r.Port > 0 && r.Port <= 65535 {
				out[name] = append(out[name], r)
			}
		}
	}
	for name, recs := range out {
		slices.SortFunc(recs, func(a, b SRV) int {
			if c := strings.Compare(a.Target, b.Target); c != 0 {
				return c
			}
			return a.Port - b.Port
		})
		out[name] = slices.Compact(recs)
	}
	return out
}
