package workload

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
)

// resolvConfHeader marks a resolver configuration the task's DNS server took over.
const resolvConfHeader = "# ecsmini: the task's DNS server answers the cluster's service names and forwards the rest to:"

// takeOverResolvConf makes the DNS server at addr (which must use port 53, the only one
// a resolver asks) the only nameserver in the resolver configuration at path, keeping
// its other lines. It returns the search domains and the nameservers it replaced, as
// host:53, the upstreams for names the server does not know.
//
// Docker bind-mounts this file from the host into the container, and every container
// that joins the namespace (network mode container:<id>) mounts the same host file, so
// they all ask this server. The file is rewritten in place (a rename cannot replace a
// mount point), and Docker leaves a resolv.conf that a container changed as it is.
func takeOverResolvConf(path, addr string) (search, replaced []string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dns %s: %w", addr, err)
	}
	if port != "53" {
		return nil, nil, fmt.Errorf("dns %s: a resolver only asks port 53, so taking over %s needs it", addr, path)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil, nil, fmt.Errorf("dns %s: %w", addr, err)
	}
	if ip.IsUnspecified() {
		ip = netip.MustParseAddr("127.0.0.1")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("dns: %w", err)
	}
	var kept []string
	// A file taken over before (the server restarted) names the original nameservers in
	// its header; its nameserver line is the server itself.
	before, taken := strings.CutPrefix(string(data), resolvConfHeader)
	if taken {
		first, _, _ := strings.Cut(before, "\n")
		for _, up := range strings.Split(strings.TrimSpace(first), ", ") {
			if _, _, err := net.SplitHostPort(up); err == nil {
				replaced = append(replaced, up)
			}
		}
	}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, resolvConfHeader):
			continue
		case len(f) >= 2 && f[0] == "nameserver":
			if ns, err := netip.ParseAddr(f[1]); err == nil && !taken && ns != ip {
				replaced = append(replaced, net.JoinHostPort(ns.String(), "53"))
			}
			continue
		case len(f) >= 1 && (f[0] == "search" || f[0] == "domain"):
			// The last search or domain line wins (resolv.conf(5)).
			search = nil
			for _, d := range f[1:] {
				if d = strings.ToLower(strings.Trim(d, ".")); d != "" {
					search = append(search, d)
				}
			}
		}
		kept = append(kept, line)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\nnameserver %s\n", resolvConfHeader, upstreamsText(replaced), ip)
	for _, line := range kept {
		b.WriteString(line + "\n")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return nil, nil, fmt.Errorf("dns: taking over %s: %w", path, err)
	}
	return search, replaced, nil
}
