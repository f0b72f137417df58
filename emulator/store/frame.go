package store

import (
	"encoding/hex"
	"hash/crc32"
)

// Every line of the format-3 snapshot and journal is framed as "cccccccc payload\n",
// where cccccccc is the CRC-32C of payload in hex: a flipped byte, a lost or merged line
// or a torn write is detected line by line.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const framePrefix = 9 // 8 hex digits and a space

// appendFrame appends payload framed as one line to dst.
func appendFrame(dst, payload []byte) []byte {
	var sum [4]byte
	c := crc32.Checksum(payload, castagnoli)
	sum[0], sum[1], sum[2], sum[3] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, ' ')
	dst = append(dst, payload...)
	return append(dst, '\n')
}

// unframe returns the payload of a line (without its newline) if its checksum holds.
func unframe(line []byte) ([]byte, bool) {
	if len(line) < framePrefix || line[framePrefix-1] != ' ' {
		return nil, false
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return nil, false
	}
	payload := line[framePrefix:]
	want := uint32(sum[0])<<24 | uint32(sum[1])<<16 | uint32(sum[2])<<8 | uint32(sum[3])
	return payload, crc32.Checksum(payload, castagnoli) == want
}
