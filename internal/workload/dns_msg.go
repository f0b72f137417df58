package workload

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
)

// The DNS wire format (RFC 1035, section 4), only as much as the task's resolver needs:
// the header, one question and A answers. Anything else is forwarded untouched.

const (
	dnsHeaderLen = 12
	// dnsUDPMax is the largest answer sent over UDP to a query without EDNS (RFC 1035
	// 4.2.1); a longer one is cut and flagged truncated, so the client asks over TCP.
	dnsUDPMax = 512
	// dnsMaxName is the longest name in wire form (RFC 1035 2.3.4), dnsMaxLabel the
	// longest label.
	dnsMaxName  = 255
	dnsMaxLabel = 63

	dnsTypeA    = 1
	dnsTypeSRV  = 33
	dnsTypeAAAA = 28
	dnsTypeANY  = 255
	dnsClassIN  = 1

	dnsFlagQR = 1 << 15
	dnsFlagAA = 1 << 10
	dnsFlagTC = 1 << 9
	dnsFlagRD = 1 << 8
	dnsFlagRA = 1 << 7

	dnsRcodeOK       = 0
	dnsRcodeFormErr  = 1
	dnsRcodeServFail = 2
	dnsRcodeNXDomain = 3
	dnsRcodeNotImp   = 4
)

// errMalformed is a message that is not DNS.
var errMalformed = errors.New("malformed DNS message")

// dnsQuery is the part of a query the server acts on.
type dnsQuery struct {
	ID      uint16
	Flags   uint16 // as received
	QDCount uint16
	Name    string // as asked (case kept, no trailing dot); "" is the root
	Type    uint16
	Class   uint16
}

// opcode is the query's kind; 0 is a standard query.
func (q dnsQuery) opcode() int { return int(q.Flags>>11) & 0xf }

// parseDNSHeader reads the header; it fails only on a message shorter than a header.
func parseDNSHeader(msg []byte) (dnsQuery, error) {
	if len(msg) < dnsHeaderLen {
		return dnsQuery{}, errMalformed
	}
	return dnsQuery{
		ID:      binary.BigEndian.Uint16(msg[0:]),
		Flags:   binary.BigEndian.Uint16(msg[2:]),
		QDCount: binary.BigEndian.Uint16(msg[4:]),
	}, nil
}

// parseDNSQuery reads the header and the first question. It never panics: a short,
// looping or otherwise malformed message is errMalformed (with the header filled in
// when there was one, so the server can answer FORMERR to its ID).
func parseDNSQuery(msg []byte) (dnsQuery, error) {
	q, err := parseDNSHeader(msg)
	if err != nil {
		return q, err
	}
	if q.QDCount == 0 {
		return q, errMalformed
	}
	name, off, err := readDNSName(msg, dnsHeaderLen)
	if err != nil {
		return q, err
	}
	if off+4 > len(msg) {
		return q, errMalformed
	}
	q.Name = name
	q.Type = binary.BigEndian.Uint16(msg[off:])
	q.Class = binary.BigEndian.Uint16(msg[off+2:])
	return q, nil
}

// readDNSName reads the name at off, following compression pointers (RFC 1035 4.1.4),
// and returns it in dotted form without the trailing dot, and the offset just after it
// where it started. Pointers must point backwards, which also bounds the loop.
func readDNSName(msg []byte, off int) (string, int, error) {
	var b strings.Builder
	end := -1 // where the name ends in the message, set at the first pointer
	wire := 0 // length of the name in wire form
	for {
		if off >= len(msg) {
			return "", 0, errMalformed
		}
		c := int(msg[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				if end < 0 {
					end = off + 1
				}
				return b.String(), end, nil
			}
			if off+1+c > len(msg) {
				return "", 0, errMalformed
			}
			wire += 1 + c
			if wire+1 > dnsMaxName {
				return "", 0, errMalformed
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			label := msg[off+1 : off+1+c]
			for _, ch := range label {
				// A dot or a non-printable byte inside a label cannot be a table name;
				// refusing it keeps the dotted form unambiguous.
				if ch == '.' || ch <= ' ' || ch >= 0x7f {
					return "", 0, errMalformed
				}
			}
			b.Write(label)
			off += 1 + c
		case 0xc0:
			if off+2 > len(msg) {
				return "", 0, errMalformed
			}
			ptr := int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			if ptr >= off {
				return "", 0, errMalformed
			}
			if end < 0 {
				end = off + 2
			}
			off = ptr
		default: // 0x40 and 0x80 are reserved label types (RFC 6891 retired 0x40)
			return "", 0, errMalformed
		}
	}
}

// appendDNSName appends name in wire form; false when it is not a valid name.
func appendDNSName(b []byte, name string) ([]byte, bool) {
	if name == "" {
		return append(b, 0), true
	}
	if len(name)+2 > dnsMaxName {
		return b, false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > dnsMaxLabel {
			return b, false
		}
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	return append(b, 0), true
}

// dnsAnswer builds the answer to q: rcode, and an A record with a TTL of ttl seconds
// for each of ips (IPv4 only), naming the question's name by a pointer. When limit is
// positive and the answers do not fit, as many as fit are sent with TC set.
func dnsAnswer(q dnsQuery, rcode int, ips []netip.Addr, ttl uint32, limit int) []byte {
	msg := make([]byte, dnsHeaderLen, dnsHeaderLen+len(q.Name)+6+16*len(ips))
	flags := uint16(dnsFlagQR|dnsFlagRA) | q.Flags&(0xf<<11|dnsFlagRD) | uint16(rcode&0xf)
	if rcode == dnsRcodeOK || rcode == dnsRcodeNXDomain {
		flags |= dnsFlagAA
	}
	binary.BigEndian.PutUint16(msg[0:], q.ID)
	qd := uint16(0)
	if q.QDCount > 0 {
		var ok bool
		if msg, ok = appendDNSName(msg, q.Name); ok {
			msg = binary.BigEndian.AppendUint16(msg, q.Type)
			msg = binary.BigEndian.AppendUint16(msg, q.Class)
			qd = 1
		} else {
			msg = msg[:dnsHeaderLen]
		}
	}
	an := uint16(0)
	for _, ip := range ips {
		if !ip.Is4() || qd == 0 {
			continue
		}
		if limit > 0 && len(msg)+16 > limit {
			flags |= dnsFlagTC
			break
		}
		a := ip.As4()
		msg = append(msg, 0xc0, dnsHeaderLen) // the question's name
		msg = binary.BigEndian.AppendUint16(msg, dnsTypeA)
		msg = binary.BigEndian.AppendUint16(msg, dnsClassIN)
		msg = binary.BigEndian.AppendUint32(msg, ttl)
		msg = binary.BigEndian.AppendUint16(msg, 4)
		msg = append(msg, a[:]...)
		an++
	}
	binary.BigEndian.PutUint16(msg[2:], flags)
	binary.BigEndian.PutUint16(msg[4:], qd)
	binary.BigEndian.PutUint16(msg[6:], an)
	return msg
}

// dnsAnswerSRV builds the OK answer to q with an SRV record (priority 1, weight 1) for
// each of recs; like dnsAnswer, it sends what fits in limit and sets TC when not all
// fit. Targets that are not valid names are left out.
func dnsAnswerSRV(q dnsQuery, recs []srvRecord, ttl uint32, limit int) []byte {
	msg := dnsAnswer(q, dnsRcodeOK, nil, ttl, limit)
	if binary.BigEndian.Uint16(msg[4:]) == 0 {
		return msg // the question could not be written back
	}
	flags := binary.BigEndian.Uint16(msg[2:])
	an := uint16(0)
	for _, r := range recs {
		rdata := binary.BigEndian.AppendUint16(nil, 1)  // priority
		rdata = binary.BigEndian.AppendUint16(rdata, 1) // weight
		rdata = binary.BigEndian.AppendUint16(rdata, r.port)
		rdata, ok := appendDNSName(rdata, r.target)
		if !ok {
			continue
		}
		if limit > 0 && len(msg)+12+len(rdata) > limit {
			flags |= dnsFlagTC
			break
		}
		msg = append(msg, 0xc0, dnsHeaderLen)
		msg = binary.BigEndian.AppendUint16(msg, dnsTypeSRV)
		msg = binary.BigEndian.AppendUint16(msg, dnsClassIN)
		msg = binary.BigEndian.AppendUint32(msg, ttl)
		msg = binary.BigEndian.AppendUint16(msg, uint16(len(rdata)))
		msg = append(msg, rdata...)
		an++
	}
	binary.BigEndian.PutUint16(msg[2:], flags)
	binary.BigEndian.PutUint16(msg[6:], an)
	return msg
}

// dnsAnswerIPs reads the A records of a response (the test's and the lookup's view of
// an answer): its rcode and the addresses, in order.
func dnsAnswerIPs(msg []byte) (rcode int, ips []netip.Addr, err error) {
	h, err := parseDNSHeader(msg)
	if err != nil {
		return 0, nil, err
	}
	off := dnsHeaderLen
	for range h.QDCount {
		if _, off, err = readDNSName(msg, off); err != nil {
			return 0, nil, err
		}
		if off += 4; off > len(msg) {
			return 0, nil, errMalformed
		}
	}
	an := binary.BigEndian.Uint16(msg[6:])
	for range an {
		if _, off, err = readDNSName(msg, off); err != nil {
			return 0, nil, err
		}
		if off+10 > len(msg) {
			return 0, nil, errMalformed
		}
		typ, class := binary.BigEndian.Uint16(msg[off:]), binary.BigEndian.Uint16(msg[off+2:])
		n := int(binary.BigEndian.Uint16(msg[off+8:]))
		off += 10
		if off+n > len(msg) {
			return 0, nil, errMalformed
		}
		if typ == dnsTypeA && class == dnsClassIN && n == 4 {
			ips = append(ips, netip.AddrFrom4([4]byte(msg[off:off+4])))
		}
		off += n
	}
	return int(h.Flags & 0xf), ips, nil
}
