package ssmsession

import (
	"encoding/json"
	"testing"
	"time"
)

func TestReceiverOrdersAndDeduplicates(t *testing.T) {
	tests := []struct {
		name     string
		arrivals []int64
		acks     []bool
		deliver  []int64
	}{
		{"in order", []int64{0, 1, 2}, []bool{true, true, true}, []int64{0, 1, 2}},
		{"resent duplicate is acked again, delivered once", []int64{0, 0, 1}, []bool{true, true, true}, []int64{0, 1}},
		{"gap held until filled", []int64{1, 2, 0, 3}, []bool{true, true, true, true}, []int64{0, 1, 2, 3}},
		{"future message alone delivers nothing", []int64{2}, []bool{true}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r Receiver
			var got []int64
			for i, seq := range tc.arrivals {
				ack, out := r.Receive(Message{Type: InputStreamData, Sequence: seq})
				if ack != tc.acks[i] {
					t.Errorf("arrival %d (seq %d): ack = %v, want %v", i, seq, ack, tc.acks[i])
				}
				for _, m := range out {
					got = append(got, m.Sequence)
				}
			}
			if len(got) != len(tc.deliver) {
				t.Fatalf("delivered %v, want %v", got, tc.deliver)
			}
			for i := range got {
				if got[i] != tc.deliver[i] {
					t.Fatalf("delivered %v, want %v", got, tc.deliver)
				}
			}
		})
	}
}

func TestSenderNumbersTracksAndResends(t *testing.T) {
	s := Sender{Type: OutputStreamData}
	var sent []Message
	for i := range 3 {
		m := s.Next(Output, []byte{byte('a' + i)}, t0)
		if m.Sequence != int64(i) || m.Type != OutputStreamData {
			t.Fatalf("message %d: sequence %d type %s", i, m.Sequence, m.Type)
		}
		s.Track(m, t0)
		sent = append(sent, m)
	}
	s.Acked(1)
	if s.Unacked() != 2 {
		t.Fatalf("Unacked = %d, want 2", s.Unacked())
	}
	if due := s.Due(t0.Add(100*time.Millisecond), time.Second); len(due) != 0 {
		t.Fatalf("resent %d messages before the timeout", len(due))
	}
	due := s.Due(t0.Add(time.Second), time.Second)
	if len(due) != 2 || due[0].ID != sent[0].ID || due[1].ID != sent[2].ID {
		t.Fatalf("due = %+v, want messages 0 and 2", due)
	}
	if again := s.Due(t0.Add(1500*time.Millisecond), time.Second); len(again) != 0 {
		t.Fatalf("a resend did not restart the wait: %d due again", len(again))
	}
}

func TestNewAckNamesTheMessage(t *testing.T) {
	in := Message{Type: InputStreamData, Sequence: 5, ID: NewUUID()}
	ack, err := NewAck(in, t0)
	if err != nil {
		t.Fatal(err)
	}
	var c AckContent
	if err := json.Unmarshal(ack.Payload, &c); err != nil {
		t.Fatal(err)
	}
	want := AckContent{MessageType: InputStreamData, MessageID: in.ID.String(), Sequence: 5, IsSequential: true}
	if c != want || ack.Type != Acknowledge || ack.Flags != 3 || ack.Sequence != 0 {
		t.Errorf("ack %+v with %+v, want %+v", ack, c, want)
	}
	var raw map[string]any
	_ = json.Unmarshal(ack.Payload, &raw)
	for _, k := range []string{"AcknowledgedMessageType", "AcknowledgedMessageId", "AcknowledgedMessageSequenceNumber", "IsSequentialMessage"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("ack payload lacks %s: %s", k, ack.Payload)
		}
	}
}

func TestChannelClosedAndHandshakePayloads(t *testing.T) {
	cc, err := NewChannelClosed("ecs-execute-command-1", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	var c ChannelClosedContent
	if err := DecodeJSON(cc, &c); err != nil {
		t.Fatal(err)
	}
	if cc.Type != ChannelClosed || c.SessionID != "ecs-execute-command-1" || c.MessageType != ChannelClosed || c.MessageID != cc.ID.String() {
		t.Errorf("channel_closed %+v payload %+v", cc, c)
	}
	hr := NewHandshakeRequest("3.3.0")
	b, _ := json.Marshal(hr)
	if want := `{"AgentVersion":"3.3.0","RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":"Standard_Stream"}}]}`; string(b) != want {
		t.Errorf("handshake request = %s\nwant %s", b, want)
	}
	if err := DecodeJSON(Message{Type: InputStreamData, Payload: []byte("{")}, &c); err == nil {
		t.Error("DecodeJSON accepted a broken payload")
	}
}
