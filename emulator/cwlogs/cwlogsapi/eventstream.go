package cwlogsapi

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// The binary event stream framing (application/vnd.amazon.eventstream) StartLiveTail
// answers with: each message is a prelude (total length, headers length, CRC32 of
// those eight bytes), headers, the payload and a CRC32 of everything before it, all
// big-endian. ecsmini sends only string headers (type 7).

const headerTypeString = 7

type header struct{ name, value string }

// writeMessage writes one event stream message.
func writeMessage(w io.Writer, headers []header, payload []byte) error {
	var hb bytes.Buffer
	for _, h := range headers {
		hb.WriteByte(byte(len(h.name)))
		hb.WriteString(h.name)
		hb.WriteByte(headerTypeString)
		binary.Write(&hb, binary.BigEndian, uint16(len(h.value)))
		hb.WriteString(h.value)
	}
	total := 12 + hb.Len() + len(payload) + 4
	msg := make([]byte, 0, total)
	msg = binary.BigEndian.AppendUint32(msg, uint32(total))
	msg = binary.BigEndian.AppendUint32(msg, uint32(hb.Len()))
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg[:8]))
	msg = append(msg, hb.Bytes()...)
	msg = append(msg, payload...)
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg))
	_, err := w.Write(msg)
	return err
}

// writeEvent writes an event message of eventType with a JSON payload.
func writeEvent(w io.Writer, eventType string, payload []byte) error {
	return writeMessage(w, []header{
		{":message-type", "event"},
		{":event-type", eventType},
		{":content-type", "application/json"},
	}, payload)
}

// writeException writes an exception message, which ends a stream with an API error.
func writeException(w io.Writer, code string, payload []byte) error {
	return writeMessage(w, []header{
		{":message-type", "exception"},
		{":exception-type", code},
		{":content-type", "application/json"},
	}, payload)
}
