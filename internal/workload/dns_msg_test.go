package workload

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"
)

// query builds a standard query with RD set, as a stub resolver sends it.
func query(t testing.TB, id uint16, name string, qtype uint16) []byte {
	t.Helper()
	msg := binary.BigEndian.AppendUint16(nil, id)
	msg = append(msg, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0) // RD; one question
	msg, ok := appendDNSName(msg, name)
	if !ok {
		t.Fatalf("bad test name %q", name)
	}
	msg = binary.BigEndian.AppendUint16(msg, qtype)
	return binary.BigEndian.AppendUint16(msg, dnsClassIN)
}

func TestParseDNSQuery(t *testing.T) {
	hdr := []byte{0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	q := func(rest ...byte) []byte { return append(slices.Clone(hdr), rest...) }
	long := bytes.Repeat([]byte{63}, 1)
	long = append(long, bytes.Repeat([]byte{'a'}, 63)...)
	for _, tc := range []struct {
		name     string
		msg      []byte
		wantName string
		wantType uint16
		wantErr  bool
	}{
		{name: "plain", msg: query(t, 1, "api", dnsTypeA), wantName: "api", wantType: dnsTypeA},
		{name: "two labels, case kept", msg: query(t, 1, "Api.Local", dnsTypeAAAA), wantName: "Api.Local", wantType: dnsTypeAAAA},
		{name: "root", msg: q(0, 0, 1, 0, 1), wantName: "", wantType: dnsTypeA},
		{name: "with EDNS after the question", msg: append(query(t, 1, "api", dnsTypeA), 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0), wantName: "api", wantType: dnsTypeA},
		{name: "forward pointer", msg: q(3, 'a', 'p', 'i', 0xc0, 17, 0, 1, 0, 1, 1, 'x', 0), wantErr: true},
		{name: "pointer loop through a label", msg: q(1, 'x', 0xc0, 12, 0, 1, 0, 1), wantErr: true},
		{name: "short header", msg: []byte{1, 2, 3}, wantErr: true},
		{name: "no question", msg: []byte{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, wantErr: true},
		{name: "truncated label", msg: q(5, 'a', 'p'), wantErr: true},
		{name: "no type", msg: q(1, 'a', 0, 0), wantErr: true},
		{name: "no root", msg: q(1, 'a'), wantErr: true},
		{name: "reserved label type", msg: q(0x40, 0, 1, 0, 1), wantErr: true},
		{name: "dot in a label", msg: q(3, 'a', '.', 'b', 0, 0, 1, 0, 1), wantErr: true},
		{name: "control byte in a label", msg: q(1, 0, 0, 0, 1, 0, 1), wantErr: true},
		{name: "name over 255 bytes", msg: q(append(bytes.Repeat(long, 5), 0, 0, 1, 0, 1)...), wantErr: true},
		{name: "name of 253 characters", msg: query(t, 1, string(bytes.Repeat([]byte("abcdefghi."), 25))+"abc", dnsTypeA),
			wantName: string(bytes.Repeat([]byte("abcdefghi."), 25)) + "abc", wantType: dnsTypeA},
		{name: "truncated pointer", msg: q(0xc0), wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseDNSQuery(tc.msg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (got.Name != tc.wantName || got.Type != tc.wantType) {
				t.Fatalf("got %q type %d, want %q type %d", got.Name, got.Type, tc.wantName, tc.wantType)
			}
		})
	}
}

func TestReadDNSNameFollowsPointers(t *testing.T) {
	// Offset 12: "local" (7 bytes: 5 l o c a l 0). Offset 19: "api" + pointer to 12.
	msg := make([]byte, 12)
	msg = append(msg, 5, 'l', 'o', 'c', 'a', 'l', 0)
	msg = append(msg, 3, 'a', 'p', 'i', 0xc0, 12, 0xff)
	name, end, err := readDNSName(msg, 19)
	if err != nil || name != "api.local" || end != 25 {
		t.Fatalf("readDNSName = %q, %d, %v; want api.local, 25", name, end, err)
	}
	// A pointer to itself loops; it must fail, not spin.
	loop := append(make([]byte, 12), 0xc0, 12)
	if _, _, err := readDNSName(loop, 12); err == nil {
		t.Fatal("a self pointer must fail")
	}
	// A label followed by a pointer back to that label repeats it until too long.
	loop = append(make([]byte, 12), 1, 'x', 0xc0, 12)
	if _, _, err := readDNSName(loop, 12); err == nil {
		t.Fatal("a pointer loop through a label must fail")
	}
}

func TestDNSAnswer(t *testing.T) {
	ips := []netip.Addr{netip.MustParseAddr("172.18.0.5"), netip.MustParseAddr("172.18.0.6"), netip.MustParseAddr("fd00::1")}
	q, err := parseDNSQuery(query(t, 0x4242, "Api", dnsTypeA))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		rcode     int
		ips       []netip.Addr
		limit     int
		wantIPs   []netip.Addr
		wantFlags uint16
	}{
		{name: "two A answers, the IPv6 one dropped", rcode: dnsRcodeOK, ips: ips, wantIPs: ips[:2],
			wantFlags: dnsFlagQR | dnsFlagAA | dnsFlagRD | dnsFlagRA},
		{name: "nodata", rcode: dnsRcodeOK, wantFlags: dnsFlagQR | dnsFlagAA | dnsFlagRD | dnsFlagRA},
		{name: "nxdomain", rcode: dnsRcodeNXDomain, wantFlags: dnsFlagQR | dnsFlagAA | dnsFlagRD | dnsFlagRA | dnsRcodeNXDomain},
		{name: "servfail is not authoritative", rcode: dnsRcodeServFail, wantFlags: dnsFlagQR | dnsFlagRD | dnsFlagRA | dnsRcodeServFail},
		{name: "cut to the limit and truncated", rcode: dnsRcodeOK, ips: ips, limit: 12 + 9 + 16,
			wantIPs: ips[:1], wantFlags: dnsFlagQR | dnsFlagAA | dnsFlagRD | dnsFlagRA | dnsFlagTC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := dnsAnswer(q, tc.rcode, tc.ips, 1, tc.limit)
			if tc.limit > 0 && len(msg) > tc.limit {
				t.Fatalf("answer of %d bytes over the limit %d", len(msg), tc.limit)
			}
			if id := binary.BigEndian.Uint16(msg); id != 0x4242 {
				t.Fatalf("id %#x", id)
			}
			if f := binary.BigEndian.Uint16(msg[2:]); f != tc.wantFlags {
				t.Fatalf("flags %#04x, want %#04x", f, tc.wantFlags)
			}
			back, err := parseDNSQuery(msg)
			if err != nil || back.Name != "Api" || back.Type != dnsTypeA || back.Class != dnsClassIN {
				t.Fatalf("the question must come back as asked: %+v, %v", back, err)
			}
			rcode, got, err := dnsAnswerIPs(msg)
			if err != nil || rcode != tc.rcode || !slices.Equal(got, tc.wantIPs) {
				t.Fatalf("answer = rcode %d %v %v; want rcode %d %v", rcode, got, err, tc.rcode, tc.wantIPs)
			}
			if tc.wantIPs != nil {
				// TTL of the first answer: after header, question (5+4) and name pointer, type, class.
				if ttl := binary.BigEndian.Uint32(msg[12+9+6:]); ttl != 1 {
					t.Fatalf("ttl %d", ttl)
				}
			}
		})
	}
}

func TestAppendDNSName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []byte
		ok   bool
	}{
		{"", []byte{0}, true},
		{"a.bc", []byte{1, 'a', 2, 'b', 'c', 0}, true},
		{"a..b", nil, false},
		{".a", nil, false},
		{string(bytes.Repeat([]byte("x"), 64)), nil, false},
	} {
		got, ok := appendDNSName(nil, tc.name)
		if ok != tc.ok || (ok && !bytes.Equal(got, tc.want)) {
			t.Errorf("appendDNSName(%q) = %v, %v", tc.name, got, ok)
		}
	}
}
