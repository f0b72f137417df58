package ssmsession

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message types.
const (
	InputStreamData  = "input_stream_data"
	OutputStreamData = "output_stream_data"
	Acknowledge      = "acknowledge"
	ChannelClosed    = "channel_closed"
	StartPublication = "start_publication"
	PausePublication = "pause_publication"
)

// PayloadType says what a stream-data message's payload is.
type PayloadType uint32

// Payload types.
const (
	Output               PayloadType = 1
	Error                PayloadType = 2
	Size                 PayloadType = 3
	Parameter            PayloadType = 4
	HandshakeRequest     PayloadType = 5
	HandshakeResponse    PayloadType = 6
	HandshakeComplete    PayloadType = 7
	EncChallengeRequest  PayloadType = 8
	EncChallengeResponse PayloadType = 9
	Flag                 PayloadType = 10
	StdErr               PayloadType = 11
	ExitCode             PayloadType = 12
)

// Header layout (see the package comment).
const (
	typeOffset      = 4
	typeLength      = 32
	schemaOffset    = 36
	createdOffset   = 40
	seqOffset       = 48
	flagsOffset     = 56
	idOffset        = 64
	digestOffset    = 80
	payTypeOffset   = 112
	payLengthOffset = 116
	// HeaderLength is the value of a message's first field: the offset of PayloadLength.
	HeaderLength = payLengthOffset
	// headerSize is where the payload starts.
	headerSize = payLengthOffset + 4
)

// Message is one agent message.
type Message struct {
	Type          string
	SchemaVersion uint32
	CreatedDate   time.Time // millisecond precision on the wire
	Sequence      int64
	Flags         uint64
	ID            UUID
	PayloadType   PayloadType
	Payload       []byte
}

// Errors of Unmarshal, for errors.Is.
var (
	ErrShort  = errors.New("message shorter than its header")
	ErrDigest = errors.New("payload digest does not match the payload")
)

// Marshal encodes m. A message type longer than 32 bytes is an error.
func (m Message) Marshal() ([]byte, error) {
	if len(m.Type) > typeLength {
		return nil, fmt.Errorf("message type %q is longer than %d bytes", m.Type, typeLength)
	}
	b := make([]byte, headerSize+len(m.Payload))
	be := binary.BigEndian
	be.PutUint32(b[0:], HeaderLength)
	copy(b[typeOffset:typeOffset+typeLength], bytes.Repeat([]byte{' '}, typeLength))
	copy(b[typeOffset:], m.Type)
	be.PutUint32(b[schemaOffset:], m.SchemaVersion)
	be.PutUint64(b[createdOffset:], uint64(m.CreatedDate.UnixMilli()))
	be.PutUint64(b[seqOffset:], uint64(m.Sequence))
	be.PutUint64(b[flagsOffset:], m.Flags)
	copy(b[idOffset:], m.ID[8:])
	copy(b[idOffset+8:], m.ID[:8])
	sum := sha256.Sum256(m.Payload)
	copy(b[digestOffset:], sum[:])
	be.PutUint32(b[payTypeOffset:], uint32(m.PayloadType))
	be.PutUint32(b[payLengthOffset:], uint32(len(m.Payload)))
	copy(b[headerSize:], m.Payload)
	return b, nil
}

// Unmarshal decodes a message and checks it as the plugin does: a header length, a
// message type, a creation date, and a payload matching its length and digest.
func Unmarshal(b []byte) (Message, error) {
	if len(b) < headerSize {
		return Message{}, fmt.Errorf("%w: %d bytes", ErrShort, len(b))
	}
	be := binary.BigEndian
	hl := be.Uint32(b[0:])
	if hl == 0 || int(hl)+4 > len(b) {
		return Message{}, fmt.Errorf("bad header length %d in a %d-byte message", hl, len(b))
	}
	m := Message{
		Type:          strings.TrimSpace(string(bytes.Trim(b[typeOffset:typeOffset+typeLength], "\x00"))),
		SchemaVersion: be.Uint32(b[schemaOffset:]),
		CreatedDate:   time.UnixMilli(int64(be.Uint64(b[createdOffset:]))),
		Sequence:      int64(be.Uint64(b[seqOffset:])),
		Flags:         be.Uint64(b[flagsOffset:]),
		PayloadType:   PayloadType(be.Uint32(b[payTypeOffset:])),
	}
	copy(m.ID[8:], b[idOffset:idOffset+8])
	copy(m.ID[:8], b[idOffset+8:idOffset+16])
	n := be.Uint32(b[payLengthOffset:])
	payload := b[hl+4:]
	if uint32(len(payload)) != n {
		return Message{}, fmt.Errorf("payload length %d, header says %d", len(payload), n)
	}
	m.Payload = append([]byte(nil), payload...)
	if m.Type == "" {
		return Message{}, errors.New("message type is missing")
	}
	if m.Type == StartPublication || m.Type == PausePublication {
		return m, nil
	}
	if be.Uint64(b[createdOffset:]) == 0 {
		return Message{}, errors.New("created date is missing")
	}
	if n > 0 {
		sum := sha256.Sum256(m.Payload)
		if !bytes.Equal(sum[:], b[digestOffset:digestOffset+32]) {
			return Message{}, ErrDigest
		}
	}
	return m, nil
}
