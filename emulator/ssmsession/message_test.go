package ssmsession

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.UnixMilli(1_765_000_000_123)

func TestMarshalLayout(t *testing.T) {
	id := UUID{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	m := Message{Type: OutputStreamData, SchemaVersion: 1, CreatedDate: t0, Sequence: 7, Flags: 3, ID: id, PayloadType: Output, Payload: []byte("hi\r\n")}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("hi\r\n"))
	be := binary.BigEndian
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"header length", b[0:4], be.AppendUint32(nil, 116)},
		{"message type", b[4:36], []byte("output_stream_data" + strings.Repeat(" ", 14))},
		{"schema version", b[36:40], be.AppendUint32(nil, 1)},
		{"created date", b[40:48], be.AppendUint64(nil, 1_765_000_000_123)},
		{"sequence", b[48:56], be.AppendUint64(nil, 7)},
		{"flags", b[56:64], be.AppendUint64(nil, 3)},
		{"message id: low half first", b[64:72], id[8:]},
		{"message id: then high half", b[72:80], id[:8]},
		{"digest", b[80:112], sum[:]},
		{"payload type", b[112:116], be.AppendUint32(nil, 1)},
		{"payload length", b[116:120], be.AppendUint32(nil, 4)},
		{"payload", b[120:], []byte("hi\r\n")},
	}
	for _, tc := range tests {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %x, want %x", tc.name, tc.got, tc.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []Message{
		{Type: InputStreamData, SchemaVersion: 1, CreatedDate: t0, Sequence: 0, ID: NewUUID(), PayloadType: Size, Payload: []byte(`{"cols":80,"rows":24}`)},
		{Type: Acknowledge, SchemaVersion: 1, CreatedDate: t0, Flags: 3, ID: NewUUID(), Payload: []byte(`{}`)},
		{Type: OutputStreamData, SchemaVersion: 1, CreatedDate: t0, Sequence: 1 << 40, ID: NewUUID(), PayloadType: ExitCode, Payload: []byte("0")},
		{Type: ChannelClosed, SchemaVersion: 1, CreatedDate: t0, ID: NewUUID()},
	}
	for _, want := range tests {
		t.Run(want.Type, func(t *testing.T) {
			b, err := want.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != want.Type || got.Sequence != want.Sequence || got.Flags != want.Flags || got.ID != want.ID ||
				got.PayloadType != want.PayloadType || !got.CreatedDate.Equal(want.CreatedDate) || !bytes.Equal(got.Payload, want.Payload) {
				t.Errorf("round trip: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good, err := Message{Type: InputStreamData, SchemaVersion: 1, CreatedDate: t0, ID: NewUUID(), PayloadType: Output, Payload: []byte("ls\r")}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		in   []byte
		want string
		is   error
	}{
		{"short", good[:100], "shorter", ErrShort},
		{"tampered payload", mutate(func(b []byte) []byte { b[len(b)-1] = 'x'; return b }), "digest", ErrDigest},
		{"zero header length", mutate(func(b []byte) []byte { copy(b[0:4], []byte{0, 0, 0, 0}); return b }), "header length", nil},
		{"no created date", mutate(func(b []byte) []byte { copy(b[40:48], make([]byte, 8)); return b }), "created date", nil},
		{"blank type", mutate(func(b []byte) []byte { copy(b[4:36], bytes.Repeat([]byte{' '}, 32)); return b }), "type is missing", nil},
		{"length mismatch", good[:len(good)-1], "payload length", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tc.is)
			}
		})
	}
}

func TestMarshalTypeTooLong(t *testing.T) {
	if _, err := (Message{Type: strings.Repeat("x", 33), CreatedDate: t0}).Marshal(); err == nil {
		t.Fatal("a 33-byte message type was accepted")
	}
}

func TestUUIDString(t *testing.T) {
	u, _ := hex.DecodeString("0123456789abcdef0123456789abcdef")
	var id UUID
	copy(id[:], u)
	if got, want := id.String(), "01234567-89ab-cdef-0123-456789abcdef"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if n := NewUUID(); n[6]>>4 != 4 || n[8]>>6 != 2 {
		t.Errorf("NewUUID %s is not a version 4 variant 1 UUID", n)
	}
}
