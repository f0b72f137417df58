package execchannel_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/execchannel"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

// peer plays the session-manager-plugin's half by hand, frame by frame, so the test can
// check what the plugin relies on (datachannel/streaming.go): the handshake, sequence
// numbers from 0, an acknowledgement for every input message, resends of unacknowledged
// output, and no exit-code frame (which the plugin would print).
type peer struct {
	t  *testing.T
	ws *websocket.Conn
	in int64 // the next input sequence number
}

func (p *peer) read() ssmsession.Message {
	p.t.Helper()
	_ = p.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := p.ws.ReadMessage()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	m, err := ssmsession.Unmarshal(b)
	if err != nil {
		p.t.Fatalf("unmarshal: %v", err)
	}
	return m
}

func (p *peer) write(m ssmsession.Message) {
	p.t.Helper()
	b, err := m.Marshal()
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		p.t.Fatal(err)
	}
}

// input sends an input message and checks the server acknowledges it.
func (p *peer) input(pt ssmsession.PayloadType, payload string) {
	p.t.Helper()
	m := ssmsession.Message{Type: ssmsession.InputStreamData, SchemaVersion: 1, CreatedDate: time.Now(), Sequence: p.in,
		ID: ssmsession.NewUUID(), PayloadType: pt, Payload: []byte(payload)}
	p.in++
	p.write(m)
	ack := p.read()
	var a ssmsession.AckContent
	if err := json.Unmarshal(ack.Payload, &a); err != nil || ack.Type != ssmsession.Acknowledge ||
		a != (ssmsession.AckContent{MessageType: ssmsession.InputStreamData, MessageID: m.ID.String(), Sequence: m.Sequence, IsSequential: true}) {
		p.t.Fatalf("input %d (payload type %d) answered with %s %s, want its acknowledgement", m.Sequence, pt, ack.Type, ack.Payload)
	}
}

func (p *peer) ack(m ssmsession.Message) {
	p.t.Helper()
	a, err := ssmsession.NewAck(m, time.Now())
	if err != nil {
		p.t.Fatal(err)
	}
	p.write(a)
}

// output reads the next output message and checks its sequence number and payload type.
func (p *peer) output(seq int64, pt ssmsession.PayloadType) ssmsession.Message {
	p.t.Helper()
	m := p.read()
	if m.Type != ssmsession.OutputStreamData || m.Sequence != seq || m.PayloadType != pt {
		p.t.Fatalf("got %s seq %d payload type %d (%q), want output_stream_data seq %d payload type %d",
			m.Type, m.Sequence, m.PayloadType, m.Payload, seq, pt)
	}
	return m
}

// dialPeer opens session s1 as the plugin does, on a server timed by fake.
func dialPeer(t *testing.T, fake *clock.Fake) (*peer, *fakeRuntime, *fakeSessions) {
	t.Helper()
	rt := &fakeRuntime{}
	sessions := &fakeSessions{closed: make(chan closeReport, 1),
		target: ecs.ExecTarget{RuntimeID: "c1", Command: []string{"sh"}, CommandText: "sh", Logging: ecs.ExecLoggingNone}}
	mux := http.NewServeMux()
	mux.Handle(ecs.ExecDataChannelPath, execchannel.NewHandler(execchannel.Config{Sessions: sessions, Runtime: rt, Clock: fake}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+ecs.ExecDataChannelPath+"s1?role=publish_subscribe", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	open, _ := json.Marshal(ssmsession.OpenDataChannel{MessageSchemaVersion: "1.0", RequestID: "r", TokenValue: "tok", ClientID: "plugin-client", ClientVersion: "1.3.0.0"})
	if err := ws.WriteMessage(websocket.TextMessage, open); err != nil {
		t.Fatal(err)
	}
	return &peer{t: t, ws: ws}, rt, sessions
}

// handshake plays the handshake: request (output 0), response (input 0), complete (output 1).
func (p *peer) handshake() {
	p.t.Helper()
	hr := p.output(0, ssmsession.HandshakeRequest)
	p.ack(hr)
	p.input(ssmsession.HandshakeResponse, `{"ClientVersion":"1.3.0.0","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1}],"Errors":null}`)
	p.ack(p.output(1, ssmsession.HandshakeComplete))
}

func TestPluginHalfOfTheProtocol(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	p, rt, sessions := dialPeer(t, fake)
	ws := p.ws

	hr := p.output(0, ssmsession.HandshakeRequest)
	var req ssmsession.HandshakeRequestContent
	if err := json.Unmarshal(hr.Payload, &req); err != nil || len(req.RequestedClientActions) != 1 ||
		!strings.Contains(string(req.RequestedClientActions[0].ActionParameters), `"SessionType":"Standard_Stream"`) {
		t.Fatalf("handshake request %s", hr.Payload)
	}
	p.ack(hr)
	p.input(ssmsession.HandshakeResponse, `{"ClientVersion":"1.3.0.0","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1}],"Errors":null}`)
	p.ack(p.output(1, ssmsession.HandshakeComplete))
	p.input(ssmsession.Size, `{"cols":132,"rows":43}`)

	greeting := p.output(2, ssmsession.Output)
	if string(greeting.Payload) != "$ sh\r\n" {
		t.Fatalf("first output %q", greeting.Payload)
	}
	fake.Advance(3 * time.Second) // unacknowledged: the server must send it again, unchanged
	if again := p.output(2, ssmsession.Output); again.ID != greeting.ID {
		t.Fatalf("resent message has id %s, want %s", again.ID, greeting.ID)
	}
	p.ack(greeting)

	p.input(ssmsession.Size, `{"cols":100,"rows":30}`)
	p.input(ssmsession.Output, "exit 3\r")
	p.ack(p.output(3, ssmsession.Output)) // bye
	closed := p.read()
	var cc ssmsession.ChannelClosedContent
	if err := json.Unmarshal(closed.Payload, &cc); err != nil || closed.Type != ssmsession.ChannelClosed || cc.SessionID != "s1" || cc.Output != "" {
		t.Fatalf("want channel_closed for s1 with no output (the plugin prints it), got %s %s", closed.Type, closed.Payload)
	}
	ws.Close()
	if rep := <-sessions.closed; rep.code != 3 || rep.err != nil {
		t.Errorf("CloseExecSession(%d, %v), want 3, nil", rep.code, rep.err)
	}
	if spec := rt.specs[0]; spec.Cols != 132 || spec.Rows != 43 {
		t.Errorf("process started at %dx%d, want the first size 132x43", spec.Cols, spec.Rows)
	}
	if got := rt.procs[0].sizes; len(got) != 1 || got[0] != "100x30" {
		t.Errorf("resizes %v, want [100x30]", got)
	}
}

// A client that sends no size in time gets the process at the default size; the size it
// sends later is applied then.
func TestSizeAfterTheProcessStarted(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	p, rt, _ := dialPeer(t, fake)
	p.handshake()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.WaitPending(ctx, 2); err != nil { // the resend ticker and the wait for a size
		t.Fatalf("the server never waited for the first size: %v", err)
	}
	fake.Advance(2 * time.Second)
	p.ack(p.output(2, ssmsession.Output)) // the greeting: the process runs
	if spec := rt.specs[0]; spec.Cols != 0 || spec.Rows != 0 {
		t.Fatalf("process started at %dx%d, want the engine's default", spec.Cols, spec.Rows)
	}
	p.input(ssmsession.Size, `{"cols":90,"rows":20}`)
	p.input(ssmsession.Output, "exit 0\r")
	p.ack(p.output(3, ssmsession.Output))
	if got := rt.procs[0].sizes; len(got) != 1 || got[0] != "90x20" {
		t.Errorf("resizes %v, want [90x20]", got)
	}
}
