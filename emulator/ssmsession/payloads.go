package ssmsession

import (
	"encoding/json"
	"fmt"
	"time"
)

// SessionTypeStandardStream is the session type of a shell (and of ECS Exec): the
// plugin shows output as it comes and sends keystrokes and terminal sizes.
const SessionTypeStandardStream = "Standard_Stream"

// ackFlags are the flags the plugin puts on its acknowledgements.
const ackFlags = 3

// OpenDataChannel is the first (text) frame a client sends: it proves the client holds
// the session's token.
type OpenDataChannel struct {
	MessageSchemaVersion string `json:"MessageSchemaVersion"`
	RequestID            string `json:"RequestId"`
	TokenValue           string `json:"TokenValue"`
	ClientID             string `json:"ClientId"`
	ClientVersion        string `json:"ClientVersion"`
}

// AckContent is the payload of an acknowledge message.
type AckContent struct {
	MessageType  string `json:"AcknowledgedMessageType"`
	MessageID    string `json:"AcknowledgedMessageId"`
	Sequence     int64  `json:"AcknowledgedMessageSequenceNumber"`
	IsSequential bool   `json:"IsSequentialMessage"`
}

// ChannelClosedContent is the payload of a channel_closed message. The plugin prints
// Output (when not empty) and exits.
type ChannelClosedContent struct {
	MessageID     string `json:"MessageId"`
	CreatedDate   string `json:"CreatedDate"`
	DestinationID string `json:"DestinationId"`
	SessionID     string `json:"SessionId"`
	MessageType   string `json:"MessageType"`
	SchemaVersion int    `json:"SchemaVersion"`
	Output        string `json:"Output"`
}

// ClientAction is one action a handshake request asks the client to take.
type ClientAction struct {
	ActionType       string          `json:"ActionType"`
	ActionParameters json.RawMessage `json:"ActionParameters"`
}

// HandshakeRequestContent is the payload the agent opens a session with.
type HandshakeRequestContent struct {
	AgentVersion           string         `json:"AgentVersion"`
	RequestedClientActions []ClientAction `json:"RequestedClientActions"`
}

// ProcessedAction is the client's answer to one requested action (status 1 success,
// 2 failed, 3 unsupported).
type ProcessedAction struct {
	ActionType   string `json:"ActionType"`
	ActionStatus int    `json:"ActionStatus"`
	ActionResult any    `json:"ActionResult"`
	Error        string `json:"Error"`
}

// HandshakeResponseContent is the client's answer to the handshake request.
type HandshakeResponseContent struct {
	ClientVersion          string            `json:"ClientVersion"`
	ProcessedClientActions []ProcessedAction `json:"ProcessedClientActions"`
	Errors                 []string          `json:"Errors"`
}

// HandshakeCompleteContent ends the handshake; the plugin prints CustomerMessage.
type HandshakeCompleteContent struct {
	HandshakeTimeToComplete time.Duration `json:"HandshakeTimeToComplete"`
	CustomerMessage         string        `json:"CustomerMessage"`
}

// SizeContent is a terminal size (payload type Size).
type SizeContent struct {
	Cols uint32 `json:"cols"`
	Rows uint32 `json:"rows"`
}

// NewHandshakeRequest returns the payload asking for a Standard_Stream session.
func NewHandshakeRequest(agentVersion string) HandshakeRequestContent {
	params, _ := json.Marshal(map[string]string{"SessionType": SessionTypeStandardStream}) // a map of strings always marshals
	return HandshakeRequestContent{AgentVersion: agentVersion,
		RequestedClientActions: []ClientAction{{ActionType: "SessionType", ActionParameters: params}}}
}

// NewAck returns the acknowledgement of m, as the plugin writes its own.
func NewAck(m Message, now time.Time) (Message, error) {
	p, err := json.Marshal(AckContent{MessageType: m.Type, MessageID: m.ID.String(), Sequence: m.Sequence, IsSequential: true})
	if err != nil {
		return Message{}, fmt.Errorf("encode acknowledgement: %w", err)
	}
	return Message{Type: Acknowledge, SchemaVersion: 1, CreatedDate: now, Flags: ackFlags, ID: NewUUID(), Payload: p}, nil
}

// NewChannelClosed returns the message that ends a session; output is shown by the
// plugin (empty: "Exiting session with sessionId: ...").
func NewChannelClosed(sessionID, output string, now time.Time) (Message, error) {
	id := NewUUID()
	p, err := json.Marshal(ChannelClosedContent{MessageID: id.String(), CreatedDate: now.UTC().Format(time.RFC3339Nano),
		SessionID: sessionID, MessageType: ChannelClosed, SchemaVersion: 1, Output: output})
	if err != nil {
		return Message{}, fmt.Errorf("encode channel_closed: %w", err)
	}
	return Message{Type: ChannelClosed, SchemaVersion: 1, CreatedDate: now, ID: id, Payload: p}, nil
}

// DecodeJSON decodes m's payload into v, naming the message when it cannot.
func DecodeJSON(m Message, v any) error {
	if err := json.Unmarshal(m.Payload, v); err != nil {
		return fmt.Errorf("%s payload type %d: %w", m.Type, m.PayloadType, err)
	}
	return nil
}
