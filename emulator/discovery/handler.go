package discovery

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
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
	Records map[string][]string `json:"records"`
}

// TableURL is the address of a cluster's table on the endpoints listener at hostPort.
func TableURL(hostPort, clusterARN string) string {
	return "http://" + hostPort + Path + "?cluster=" + url.QueryEscape(clusterARN)
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
		var records map[string][]string
		if src != nil {
			records = src.Records(cluster)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(Table{Records: Normalize(records)})
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
