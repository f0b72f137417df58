package workload

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
)

// DNS is the task's DNS server: run in an awsvpc task's pause container, whose network
// namespace every container of the task shares, it answers the names of the cluster's
// services (fetched from ecsmini) and forwards every other query to Upstreams.
type DNS struct {
	Listen string // UDP and TCP, e.g. 127.0.0.1:53
	Table  string // URL of the name table, e.g. http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=...
	// Upstreams get the queries for names not in the table, tried in order (host:port);
	// without any, such names are NXDOMAIN.
	Upstreams []string
	// ResolvConf, when set, is the resolver configuration file the server takes over:
	// its nameserver lines are replaced by the server's address (so every container
	// sharing the file asks it first) and its search domains are honoured.
	ResolvConf string

	// onTable, when set, is given the table the server answers from as it starts, for
	// tests to wait on its fetches (dnsTable.nextFetch).
	onTable func(*dnsTable)
}

// ParseDNS reads "LISTEN=URL".
func ParseDNS(s string) (DNS, error) {
	l, u, ok := strings.Cut(s, "=")
	if !ok || l == "" || !strings.HasPrefix(u, "http://") {
		return DNS{}, fmt.Errorf("dns %q: want LISTEN=URL, e.g. 127.0.0.1:53=http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=default", s)
	}
	if _, _, err := net.SplitHostPort(l); err != nil {
		return DNS{}, fmt.Errorf("dns %q: %w", s, err)
	}
	return DNS{Listen: l, Table: u}, nil
}

const (
	// dnsTTL is the TTL of the answers: a task that stops leaves the names within a
	// second, so clients must not cache longer.
	dnsTTL = 1
	// dnsRefresh is how often the table is fetched.
	dnsRefresh = time.Second
	// dnsForwardTimeout bounds one upstream exchange.
	dnsForwardTimeout = 3 * time.Second
	// dnsTCPIdle closes a TCP connection that sends no query for this long.
	dnsTCPIdle = 10 * time.Second
)

// dnsServer answers queries from a table and forwards the rest.
type dnsServer struct {
	table     *dnsTable
	upstreams []string
	turn      atomic.Uint32 // rotates the order of answers, spreading clients over tasks
}

// startDNS listens on cfg.Listen (UDP and TCP), takes over cfg.ResolvConf, and serves
// and refreshes the table until ctx ends; wait blocks until everything has stopped.
func startDNS(ctx context.Context, cfg DNS, stdout io.Writer) (wait func(), err error) {
	t := &dnsTable{records: map[string][]netip.Addr{}}
	pc, ln, err := listenDNS(cfg.Listen)
	if err != nil {
		return nil, err
	}
	upstreams := cfg.Upstreams
	if cfg.ResolvConf != "" {
		var replaced []string
		t.search, replaced, err = takeOverResolvConf(cfg.ResolvConf, pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			ln.Close()
			return nil, err
		}
		if len(upstreams) == 0 {
			upstreams = replaced
		}
	}
	logf(stdout, "dns on %s, names from %s, other names to %s", pc.LocalAddr(), cfg.Table, upstreamsText(upstreams))
	// The table's Service Connect aliases get their listeners here, in the task's
	// network namespace, where the names resolve.
	proxy := &serviceconnect.Proxy{Log: func(format string, args ...any) { logf(stdout, format, args...) }}
	lastErr := ""
	t.onProxies = func(ls []serviceconnect.Listener) {
		msg := ""
		if err := proxy.Update(ls); err != nil {
			msg = err.Error()
		}
		if msg != lastErr && msg != "" {
			logf(stdout, "%s", msg)
		}
		lastErr = msg
	}
	if cfg.onTable != nil {
		cfg.onTable(t)
	}
	s := &dnsServer{table: t, upstreams: upstreams}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		refreshDNSTable(ctx, t, cfg.Table, dnsRefresh, func(format string, args ...any) { logf(stdout, format, args...) })
	}()
	go func() { defer wg.Done(); s.serveUDP(ctx, pc, &wg) }()
	go func() { defer wg.Done(); s.serveTCP(ctx, ln, &wg) }()
	go func() {
		<-ctx.Done()
		pc.Close()
		ln.Close()
	}()
	return func() { wg.Wait(); proxy.Close() }, nil
}

// listenDNS listens on addr over UDP and TCP. Port 0 (tests) picks a port free for both.
func listenDNS(addr string) (net.PacketConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dns %s: %w", addr, err)
	}
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("dns %s: %w", addr, err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if port != "0" || try == 10 {
			return nil, nil, fmt.Errorf("dns %s: %w", addr, err)
		}
	}
}

func upstreamsText(ups []string) string {
	if len(ups) == 0 {
		return "nowhere (NXDOMAIN)"
	}
	return strings.Join(ups, ", ")
}

// handle answers one query; nil means no answer (not a query, or unreadable).
// limit is the largest answer the transport takes (0: no limit).
func (s *dnsServer) handle(ctx context.Context, msg []byte, tcp bool) []byte {
	h, err := parseDNSHeader(msg)
	if err != nil || h.Flags&dnsFlagQR != 0 {
		return nil
	}
	limit := dnsUDPMax
	if tcp {
		limit = 0
	}
	if h.opcode() != 0 {
		h.QDCount = 0
		return dnsAnswer(h, dnsRcodeNotImp, nil, 0, 0)
	}
	q, err := parseDNSQuery(msg)
	if err != nil || q.QDCount != 1 {
		q.QDCount = 0
		return dnsAnswer(q, dnsRcodeFormErr, nil, 0, 0)
	}
	if q.Class == dnsClassIN {
		if ips, srv, ok := s.table.lookupAll(q.Name); ok {
			if q.Type == dnsTypeSRV {
				if n := len(srv); n > 1 {
					k := int(s.turn.Add(1) % uint32(n))
					srv = append(slices.Clone(srv[k:]), srv[:k]...)
				}
				return dnsAnswerSRV(q, srv, dnsTTL, limit)
			}
			if q.Type != dnsTypeA && q.Type != dnsTypeANY {
				ips = nil // the name exists, with no record of that type (NODATA)
			}
			if n := len(ips); n > 1 {
				// Most clients connect to the first address: rotate, as Docker's DNS
				// does, so that a service's tasks share the traffic.
				k := int(s.turn.Add(1) % uint32(n))
				ips = append(slices.Clone(ips[k:]), ips[:k]...)
			}
			return dnsAnswer(q, dnsRcodeOK, ips, dnsTTL, limit)
		}
	}
	if len(s.upstreams) == 0 {
		return dnsAnswer(q, dnsRcodeNXDomain, nil, 0, limit)
	}
	if resp := s.forward(ctx, msg, q.ID, tcp); resp != nil {
		return resp
	}
	return dnsAnswer(q, dnsRcodeServFail, nil, 0, limit)
}

// forward asks the upstreams in turn over the query's transport; nil when none answers.
func (s *dnsServer) forward(ctx context.Context, msg []byte, id uint16, tcp bool) []byte {
	for _, up := range s.upstreams {
		resp, err := exchange(ctx, up, msg, tcp)
		if err == nil && len(resp) >= dnsHeaderLen && binary.BigEndian.Uint16(resp) == id {
			return resp
		}
	}
	return nil
}

// exchange sends msg to addr and reads one answer.
func exchange(ctx context.Context, addr string, msg []byte, tcp bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, dnsForwardTimeout)
	defer cancel()
	network := "udp"
	if tcp {
		network = "tcp"
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	_ = c.SetDeadline(deadline)
	if tcp {
		return exchangeTCP(c, msg)
	}
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// exchangeTCP writes msg with its two-byte length (RFC 1035 4.2.2) and reads the answer.
func exchangeTCP(c net.Conn, msg []byte) ([]byte, error) {
	if len(msg) > 65535 {
		return nil, errMalformed
	}
	if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)); err != nil {
		return nil, err
	}
	return readTCPMsg(c)
}

// readTCPMsg reads one length-prefixed message.
func readTCPMsg(r io.Reader) ([]byte, error) {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// serveUDP answers every datagram on pc until it closes, each in its own goroutine
// (forwarding waits on an upstream), tracked by wg.
func (s *dnsServer) serveUDP(ctx context.Context, pc net.PacketConn, wg *sync.WaitGroup) {
	buf := make([]byte, 65535)
	for {
		n, from, err := pc.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		msg := append([]byte(nil), buf[:n]...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp := s.handle(ctx, msg, false); resp != nil {
				_, _ = pc.WriteTo(resp, from)
			}
		}()
	}
}

// serveTCP answers the queries of every connection on ln until it closes.
func (s *dnsServer) serveTCP(ctx context.Context, ln net.Listener, wg *sync.WaitGroup) {
	for {
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { c.Close() })
			defer stop()
			for {
				_ = c.SetReadDeadline(time.Now().Add(dnsTCPIdle))
				msg, err := readTCPMsg(c)
				if err != nil {
					return
				}
				resp := s.handle(ctx, msg, true)
				if resp == nil {
					return
				}
				_ = c.SetWriteDeadline(time.Now().Add(dnsForwardTimeout))
				if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(resp))), resp...)); err != nil {
					return
				}
			}
		}()
	}
}
