package workload

import (
	"context"
	"net/netip"
	"testing"
)

// FuzzDNSHandle feeds arbitrary bytes to the parser and the server's handler: neither
// may panic, an answer must be a readable message with the query's ID, and a name the
// parser accepts must survive an answer's round trip.
func FuzzDNSHandle(f *testing.F) {
	f.Add(query(f, 1, "api", dnsTypeA))
	f.Add(query(f, 2, "API.local", dnsTypeAAAA))
	f.Add(query(f, 3, "unknown.example", dnsTypeA))
	f.Add(append(make([]byte, 12), 0xc0, 12))
	f.Add(append(query(f, 4, "api", dnsTypeANY), 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0))
	f.Add([]byte{0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 3, 'a', 'p', 'i', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4})
	f.Add([]byte{})
	s := &dnsServer{table: &dnsTable{
		records: map[string][]netip.Addr{"api": {netip.MustParseAddr("172.18.0.5")}},
		search:  []string{"local"},
	}}
	f.Fuzz(func(t *testing.T, msg []byte) {
		q, err := parseDNSQuery(msg)
		_, _, _ = dnsAnswerIPs(msg)
		for _, tcp := range []bool{false, true} {
			resp := s.handle(context.Background(), msg, tcp)
			if resp == nil {
				continue
			}
			h, herr := parseDNSHeader(resp)
			if herr != nil || h.ID != q.ID {
				t.Fatalf("answer %x to %x: %v", resp, msg, herr)
			}
			if !tcp && len(resp) > dnsUDPMax {
				t.Fatalf("UDP answer of %d bytes", len(resp))
			}
			if _, _, err := dnsAnswerIPs(resp); err != nil {
				t.Fatalf("unreadable answer %x to %x: %v", resp, msg, err)
			}
		}
		if err == nil && q.QDCount == 1 && q.Flags&dnsFlagQR == 0 && q.opcode() == 0 {
			back, err := parseDNSQuery(dnsAnswer(q, dnsRcodeOK, nil, 1, 0))
			if err != nil || back.Name != q.Name || back.Type != q.Type || back.Class != q.Class {
				t.Fatalf("round trip of %q: %+v, %v", q.Name, back, err)
			}
		}
	})
}
