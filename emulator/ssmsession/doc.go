// Package ssmsession is the wire format of the Session Manager data channel: the binary
// agent messages the session-manager-plugin exchanges with the SSM agent over a
// WebSocket, and the JSON payloads they carry. ecsmini plays the agent's half of this
// protocol for ECS Exec, so the unmodified plugin (run by `aws ecs execute-command`)
// can open a shell in a local task; ecsmini's own `exec` client plays the plugin's half.
//
// The format was learned from the plugin's source (github.com/aws/session-manager-plugin,
// message/clientmessage.go, messageparser.go, datachannel/streaming.go); this package
// is an independent implementation of it.
//
// A message is a 120-byte big-endian header followed by the payload:
//
//	offset size field
//	0      4    HeaderLength (116: the offset of PayloadLength)
//	4      32   MessageType, ASCII, space padded ("output_stream_data", ...)
//	36     4    SchemaVersion (1)
//	40     8    CreatedDate, milliseconds since the Unix epoch
//	48     8    SequenceNumber
//	56     8    Flags
//	64     16   MessageId: a UUID, its low 8 bytes first, then its high 8 bytes
//	80     32   PayloadDigest: SHA-256 of the payload
//	112    4    PayloadType (1 output, 3 size, 5-7 handshake, 12 exit code, ...)
//	116    4    PayloadLength
//	120    n    Payload
//
// Reliability is the protocol's own: each side numbers its stream-data messages from 0
// and the other side acknowledges each one (an "acknowledge" message naming its type,
// id and sequence number); unacknowledged messages are resent.
package ssmsession
