package execchannel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

// ClientOptions are the terminal of a Client session.
type ClientOptions struct {
	Stdin  io.Reader // keystrokes; its EOF sends Ctrl-D (end of input on the terminal)
	Stdout io.Writer
	// Sizes delivers the terminal's size: the first value is sent when the session
	// starts, later ones resize it. Nil sends 80x24 once.
	Sizes <-chan ssmsession.SizeContent
	Clock clock.Clock // dates messages; default clock.Real
}

// ErrNoExitCode: the session ended without reporting an exit code (the server is not
// ecsmini's, or the session failed; the error says why).
var ErrNoExitCode = errors.New("the session ended without an exit code")

// Attach plays the plugin's half of a session at streamURL with token, copying the
// terminal both ways until the command ends, and returns its exit code.
func Attach(ctx context.Context, streamURL, token string, o ClientOptions) (int, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, streamURL, nil)
	if err != nil {
		return 0, fmt.Errorf("open the data channel %s: %w", streamURL, err)
	}
	defer ws.Close()
	c := &client{ws: ws, o: o, out: ssmsession.Sender{Type: ssmsession.InputStreamData}}
	open := ssmsession.OpenDataChannel{MessageSchemaVersion: "1.0", RequestID: ssmsession.NewUUID().String(),
		TokenValue: token, ClientID: ClientIDPrefix + ssmsession.NewUUID().String(), ClientVersion: "ecsmini"}
	b, err := jsonPayload(open)
	if err != nil {
		return 0, err
	}
	if err := ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return 0, fmt.Errorf("send the token: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = ws.Close() })
	defer stop()
	return c.loop()
}

type client struct {
	ws       *websocket.Conn
	o        ClientOptions
	wmu      sync.Mutex
	out      ssmsession.Sender
	in       ssmsession.Receiver
	exitCode *int
	started  bool
}

// loop reads the server's messages until channel_closed.
func (c *client) loop() (int, error) {
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return 0, fmt.Errorf("data channel: %w", err)
		}
		m, err := ssmsession.Unmarshal(b)
		if err != nil {
			return 0, fmt.Errorf("data channel: %w", err)
		}
		switch m.Type {
		case ssmsession.OutputStreamData:
			ack, deliver := c.in.Receive(m)
			if ack {
				// A failed acknowledgement means the connection is going; what the
				// server sent before it (channel_closed) is still read below.
				_ = c.ack(m)
			}
			for _, d := range deliver {
				if err := c.output(d); err != nil {
					return 0, err
				}
			}
		case ssmsession.ChannelClosed:
			var cc ssmsession.ChannelClosedContent
			if err := ssmsession.DecodeJSON(m, &cc); err != nil {
				return 0, err
			}
			if c.exitCode != nil {
				return *c.exitCode, nil
			}
			if cc.Output != "" {
				return 0, errors.New(cc.Output)
			}
			return 0, ErrNoExitCode
		}
	}
}

// output acts on one in-order output message.
func (c *client) output(m ssmsession.Message) error {
	switch m.PayloadType {
	case ssmsession.HandshakeRequest:
		var r ssmsession.HandshakeRequestContent
		if err := ssmsession.DecodeJSON(m, &r); err != nil {
			return err
		}
		resp := ssmsession.HandshakeResponseContent{ClientVersion: "ecsmini", Errors: []string{}}
		for _, a := range r.RequestedClientActions {
			status := 1
			if a.ActionType != "SessionType" {
				status = 3 // KMS encryption and the rest: unsupported
			}
			resp.ProcessedClientActions = append(resp.ProcessedClientActions, ssmsession.ProcessedAction{ActionType: a.ActionType, ActionStatus: status})
		}
		b, err := jsonPayload(resp)
		if err != nil {
			return err
		}
		return c.send(ssmsession.HandshakeResponse, b)
	case ssmsession.HandshakeComplete:
		if !c.started {
			c.started = true
			go c.terminal() // ends when stdin ends or a send fails (the connection closed)
		}
	case ssmsession.Output, ssmsession.StdErr:
		if _, err := c.o.Stdout.Write(m.Payload); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	case ssmsession.ExitCode:
		code, err := strconv.Atoi(strings.TrimSpace(string(m.Payload)))
		if err != nil {
			return fmt.Errorf("exit code %q: %w", m.Payload, err)
		}
		c.exitCode = &code
	}
	return nil
}

// terminal sends the sizes and keystrokes.
func (c *client) terminal() {
	sizes := c.o.Sizes
	if sizes == nil {
		ch := make(chan ssmsession.SizeContent, 1)
		ch <- ssmsession.SizeContent{Cols: 80, Rows: 24}
		sizes = ch
	}
	if first, ok := <-sizes; ok {
		if c.sendJSON(ssmsession.Size, first) != nil {
			return
		}
	}
	go func() { // ends when sizes closes or the connection does
		for sz := range sizes {
			if c.sendJSON(ssmsession.Size, sz) != nil {
				return
			}
		}
	}()
	if c.o.Stdin == nil {
		return
	}
	buf := make([]byte, 1024)
	for {
		n, err := c.o.Stdin.Read(buf)
		if n > 0 {
			if c.send(ssmsession.Output, append([]byte(nil), buf[:n]...)) != nil {
				return
			}
		}
		if err != nil {
			_ = c.send(ssmsession.Output, []byte{4}) // Ctrl-D: end of input
			return
		}
	}
}

func (c *client) sendJSON(pt ssmsession.PayloadType, v any) error {
	b, err := jsonPayload(v)
	if err != nil {
		return err
	}
	return c.send(pt, b)
}

func (c *client) send(pt ssmsession.PayloadType, payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	m := c.out.Next(pt, payload, c.o.Clock.Now())
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, b)
}

func (c *client) ack(m ssmsession.Message) error {
	a, err := ssmsession.NewAck(m, c.o.Clock.Now())
	if err != nil {
		return err
	}
	b, err := a.Marshal()
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.BinaryMessage, b)
}
